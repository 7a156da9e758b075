import { connectionAfterConsent, revokeUnlessShared, storeConsent } from "../account-binding.ts";
import type { GrantedTokens } from "../connection.ts";
import type { CustomerId } from "../customer-id.ts";
import { DomainError, unreadableAsMissing } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { CustomerLock } from "../ports/customer-lock.ts";
import type { OAuthProvider } from "../ports/oauth-provider.ts";
import type { PendingConnections } from "../ports/pending-connections.ts";
import type { TokenVault } from "../ports/token-vault.ts";
import { randomToken } from "../random.ts";

export interface HeldConnection {
  connectCode: string;
  expiresAt: Date;
}

export interface ConfirmedConnection {
  customerId: CustomerId;
  email: string | null;
  scopes: string[];
}

export interface ConfirmConnectionDeps {
  pendingConnections: PendingConnections;
  vault: TokenVault;
  oauth: OAuthProvider;
  lock: CustomerLock;
  clock: Clock;
  /** How long the backend has to confirm. */
  confirmTtlMs?: number;
}

const TEN_MINUTES = 10 * 60 * 1000;

/**
 * Confirmation by the operator's backend: a consent is held, not stored, until the backend (which
 * knows who is logged in) presents its single-use connect code. A link forwarded to someone else
 * then binds nothing: their consent is never confirmed, and its grant is revoked when it expires.
 */
export class ConfirmConnection {
  readonly #deps: ConfirmConnectionDeps;
  readonly #ttlMs: number;

  constructor(deps: ConfirmConnectionDeps) {
    this.#deps = deps;
    this.#ttlMs = deps.confirmTtlMs ?? TEN_MINUTES;
  }

  /**
   * Hold a consent. Refuses at once what confirming could never store.
   * @throws DomainError missing_refresh_token, storage_unavailable
   */
  async hold(customerId: CustomerId, granted: GrantedTokens): Promise<HeldConnection> {
    const previous = await this.#deps.vault.get(customerId).catch(unreadableAsMissing);
    connectionAfterConsent(customerId, granted, previous, this.#deps.clock.now());
    const held = {
      connectCode: randomToken(),
      customerId,
      granted,
      expiresAt: new Date(this.#deps.clock.now().getTime() + this.#ttlMs),
    };
    await this.#deps.pendingConnections.save(held);
    return { connectCode: held.connectCode, expiresAt: held.expiresAt };
  }

  /**
   * The backend vouches for the consent: store it as the customer's connection.
   * @throws DomainError invalid_connect_code (unknown, used or expired: an expired one is revoked),
   *   missing_refresh_token, storage_unavailable
   */
  async confirm(connectCode: string): Promise<ConfirmedConnection> {
    const held =
      connectCode === ""
        ? null
        : await this.#deps.pendingConnections.take(connectCode).catch(unreadableAsMissing);
    if (held === null) {
      throw new DomainError("invalid_connect_code", "Unknown or already used connect_code");
    }
    const { customerId, granted } = held;
    if (held.expiresAt.getTime() <= this.#deps.clock.now().getTime()) {
      await this.#discard(customerId, granted);
      throw new DomainError(
        "invalid_connect_code",
        "The connect_code expired: the consent was discarded and its grant revoked; connect again",
      );
    }
    return this.#deps.lock.withLock(customerId, "token", (lock) =>
      storeConsent(this.#deps, lock, customerId, granted),
    );
  }

  /** Drop consents nobody confirmed in time, revoking their grants. @returns how many */
  async sweep(now: Date): Promise<number> {
    const expired = await this.#deps.pendingConnections.takeExpired(now);
    for (const held of expired) await this.#discard(held.customerId, held.granted);
    return expired.length;
  }

  async #discard(customerId: CustomerId, granted: GrantedTokens): Promise<void> {
    await revokeUnlessShared(
      this.#deps,
      granted.refreshToken ?? granted.accessToken,
      { email: granted.email, clientId: granted.clientId },
      customerId,
    );
  }
}
