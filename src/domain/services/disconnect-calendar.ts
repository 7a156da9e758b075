import { type KeptGrantReason, revokeUnlessShared } from "../account-binding.ts";
import type { CustomerId } from "../customer-id.ts";
import { unreadableAsMissing } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { CustomerLock } from "../ports/customer-lock.ts";
import type { OAuthProvider } from "../ports/oauth-provider.ts";
import type { TokenVault } from "../ports/token-vault.ts";

export interface DisconnectResult {
  customerId: CustomerId;
  /** Google confirmed the grant is revoked (or already was). */
  revoked: boolean;
  /** A record existed and was deleted. */
  deleted: boolean;
  /** Why the grant was deliberately left alone at Google (another customer still uses it). */
  keptReason?: KeptGrantReason;
}

export interface DisconnectCalendarDeps {
  vault: TokenVault;
  oauth: OAuthProvider;
  lock: CustomerLock;
  clock?: Clock;
}

/** Revoke at Google, then forget locally — locally even when Google fails. Idempotent. */
export class DisconnectCalendar {
  readonly #deps: DisconnectCalendarDeps;

  constructor(deps: DisconnectCalendarDeps) {
    this.#deps = deps;
  }

  /** @throws DomainError storage_unavailable */
  async execute(customerId: CustomerId): Promise<DisconnectResult> {
    // Under the token lock, so a refresh in flight cannot write the record back after us.
    return this.#deps.lock.withLock(customerId, "token", async () => {
      // An unreadable record cannot be revoked, but it must still be deletable.
      const connection = await this.#deps.vault.get(customerId).catch(unreadableAsMissing);
      let outcome: { revoked: boolean; reason?: KeptGrantReason } = { revoked: false };
      if (connection !== null) {
        // Revoking the refresh token revokes the whole grant at Google: never another customer's.
        const token = connection.tokens.refreshToken ?? connection.tokens.accessToken;
        outcome = await revokeUnlessShared(
          this.#deps,
          token,
          { email: connection.email, clientId: connection.oauthClientId },
          customerId,
        );
      }
      const occurredAt = this.#deps.clock?.now() ?? new Date();
      // The backend hears of it with the delete itself, and only when there was a record.
      const deleted = await this.#deps.vault.delete(customerId, {
        notify: { type: "connection.disconnected", customerId, occurredAt },
      });
      return {
        customerId,
        revoked: outcome.revoked,
        deleted,
        ...(outcome.reason === undefined ? {} : { keptReason: outcome.reason }),
      };
    });
  }
}
