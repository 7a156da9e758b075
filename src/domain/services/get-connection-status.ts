import type { ConnectionStatus } from "../connection.ts";
import type { CustomerId } from "../customer-id.ts";
import { clientStanding, OAUTH_CLIENT_CHANGED, type OAuthClients } from "../oauth-clients.ts";
import type { TokenVault } from "../ports/token-vault.ts";

/** Is this customer's calendar usable? Never returns a token. */
export class GetConnectionStatus {
  readonly #vault: TokenVault;
  readonly #clients: OAuthClients | undefined;

  /** With `clients`, a grant from a client that is no longer used reads as not connected. */
  constructor(deps: { vault: TokenVault; clients?: OAuthClients }) {
    this.#vault = deps.vault;
    this.#clients = deps.clients;
  }

  /** @throws DomainError storage_unavailable, record_unreadable */
  async execute(customerId: CustomerId): Promise<ConnectionStatus> {
    const connection = await this.#vault.get(customerId);
    if (connection === null) {
      return {
        customerId,
        connected: false,
        email: null,
        expiresAt: null,
        scopes: [],
        reason: "not_connected",
        connectedAt: null,
        oauthClient: null,
      };
    }
    const standing =
      this.#clients === undefined ? "current" : clientStanding(connection.oauthClientId, this.#clients);
    const clientChanged = standing === "changed";
    const connected = connection.state.kind === "connected" && !clientChanged;
    return {
      customerId,
      connected,
      email: connection.email,
      expiresAt: connection.tokens.expiresAt,
      scopes: connection.tokens.scopes,
      reason: connected ? null : clientChanged ? OAUTH_CLIENT_CHANGED : "reauthorization_required",
      connectedAt: connection.connectedAt,
      oauthClient: standing,
    };
  }
}
