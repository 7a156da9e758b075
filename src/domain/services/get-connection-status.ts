import type { ConnectionStatus } from "../connection.ts";
import type { CustomerId } from "../customer-id.ts";
import type { TokenVault } from "../ports/token-vault.ts";

/** Is this customer's calendar usable? Never returns a token. */
export class GetConnectionStatus {
  readonly #vault: TokenVault;

  constructor(deps: { vault: TokenVault }) {
    this.#vault = deps.vault;
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
      };
    }
    const connected = connection.state.kind === "connected";
    return {
      customerId,
      connected,
      email: connection.email,
      expiresAt: connection.tokens.expiresAt,
      scopes: connection.tokens.scopes,
      reason: connected ? null : "reauthorization_required",
      connectedAt: connection.connectedAt,
    };
  }
}
