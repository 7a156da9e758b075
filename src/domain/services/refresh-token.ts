import type { Connection } from "../connection.ts";
import type { CustomerId } from "../customer-id.ts";
import { DomainError, isDomainError } from "../errors.ts";
import { clientStanding, OAUTH_CLIENT_CHANGED, type OAuthClients } from "../oauth-clients.ts";
import type { Clock } from "../ports/clock.ts";
import type { CustomerLock, HeldLock } from "../ports/customer-lock.ts";
import type { OAuthProvider } from "../ports/oauth-provider.ts";
import type { TokenVault } from "../ports/token-vault.ts";

/** What a Calendar call needs: a token valid for a while, and what it may do. */
export interface UsableToken {
  accessToken: string;
  scopes: string[];
  email: string | null;
}

export type RefreshOutcome = "refreshed" | "reauthorization_required" | "failed";

export interface RefreshTokenDeps {
  vault: TokenVault;
  oauth: OAuthProvider;
  lock: CustomerLock;
  clock: Clock;
  /** Refresh when the token expires within this margin (clock skew, slow calls). */
  skewMs?: number;
  onRefresh?: (outcome: RefreshOutcome) => void;
  /** When set, a grant from a client that is no longer used is refused (see oauth-clients.ts). */
  clients?: OAuthClients;
  /**
   * Starts the fresh authorization that connection.reauthorization_required carries
   * (ConnectCalendar.start); without it the notification carries no link.
   */
  reauthorize?: (customerId: CustomerId) => Promise<{ authorizationUrl: string; expiresAt: Date }>;
}

const DEFAULT_SKEW_MS = 5 * 60 * 1000;

/**
 * Hands out a valid access token for a customer, refreshing it when needed.
 *
 * However many callers wait, one refresh at a time per customer: callers in this process share
 * one in-flight promise, and the `CustomerLock` (plus a re-read of the record once it is held)
 * extends that to every process sharing the store.
 */
export class RefreshToken {
  readonly #deps: RefreshTokenDeps;
  readonly #skewMs: number;
  readonly #inFlight = new Map<CustomerId, Promise<Connection>>();

  constructor(deps: RefreshTokenDeps) {
    this.#deps = deps;
    this.#skewMs = deps.skewMs ?? DEFAULT_SKEW_MS;
  }

  /**
   * @throws DomainError calendar_not_connected, reauthorization_required, google_unavailable,
   *   storage_unavailable, record_unreadable
   */
  async execute(customerId: CustomerId): Promise<UsableToken> {
    const stored = this.#usable(await this.#deps.vault.get(customerId), customerId);
    if (this.#isFresh(stored)) return toUsable(stored);
    return toUsable(await this.#refreshOnce(customerId, null));
  }

  /**
   * Google rejected `rejectedAccessToken` (HTTP 401) although it looked valid: refresh unless
   * someone already replaced it.
   */
  async afterRejection(customerId: CustomerId, rejectedAccessToken: string): Promise<UsableToken> {
    return toUsable(await this.#refreshOnce(customerId, rejectedAccessToken));
  }

  #usable(connection: Connection | null, customerId: CustomerId): Connection {
    const found = usable(connection, customerId);
    const clients = this.#deps.clients;
    if (clients !== undefined && clientStanding(found.oauthClientId, clients) === "changed") {
      throw new DomainError(
        "reauthorization_required",
        "This customer's Google grant belongs to an OAuth client this server no longer uses; they must connect their calendar again",
        { details: { customer_id: customerId, reason: OAUTH_CLIENT_CHANGED } },
      );
    }
    return found;
  }

  #isFresh(connection: Connection): boolean {
    return connection.tokens.expiresAt.getTime() - this.#deps.clock.now().getTime() > this.#skewMs;
  }

  #refreshOnce(customerId: CustomerId, rejected: string | null): Promise<Connection> {
    const running = this.#inFlight.get(customerId);
    if (running !== undefined) return running;
    const refresh = this.#deps.lock
      .withLock(customerId, "token", (held) => this.#refreshLocked(customerId, rejected, held))
      .finally(() => this.#inFlight.delete(customerId));
    this.#inFlight.set(customerId, refresh);
    return refresh;
  }

  async #refreshLocked(customerId: CustomerId, rejected: string | null, held: HeldLock): Promise<Connection> {
    // Another process may have refreshed while we waited for the lock: read again.
    const current = this.#usable(await this.#deps.vault.get(customerId), customerId);
    const replaced = rejected !== null && current.tokens.accessToken !== rejected;
    if (replaced || (rejected === null && this.#isFresh(current))) return current;

    const refreshToken = current.tokens.refreshToken;
    if (refreshToken === null) {
      return this.#markReauthorization(current, "no refresh token was granted");
    }
    let granted: Awaited<ReturnType<OAuthProvider["refresh"]>>;
    try {
      // A refresh token only refreshes with the client it was issued to.
      granted = await this.#deps.oauth.refresh(refreshToken, current.oauthClientId);
    } catch (error) {
      if (isDomainError(error, "reauthorization_required")) {
        return this.#markReauthorization(current, error.message);
      }
      this.#deps.onRefresh?.("failed");
      throw error;
    }
    const refreshed: Connection = {
      ...current,
      email: current.email ?? granted.email,
      tokens: {
        accessToken: granted.accessToken,
        // Google rarely rotates refresh tokens; when it sends none the old one stays valid.
        refreshToken: granted.refreshToken ?? refreshToken,
        expiresAt: granted.expiresAt,
        scopes: granted.scopes ?? current.tokens.scopes,
      },
      updatedAt: this.#deps.clock.now(),
    };
    await held.confirm();
    // An operator may have disconnected the customer meanwhile: never bring the record back.
    if (!(await this.#deps.vault.update(refreshed))) usable(null, customerId);
    this.#deps.onRefresh?.("refreshed");
    return refreshed;
  }

  /**
   * Keep the record (for status and a later revoke) but stop using it; the backend is told with
   * the same write (connection.reauthorization_required), unless the record was deleted meanwhile.
   */
  async #markReauthorization(connection: Connection, reason: string): Promise<never> {
    const { customerId } = connection;
    // The notification carries a fresh link, so it is started before the record is marked.
    // Without one the backend still learns the user must connect again.
    const fresh = await this.#deps.reauthorize?.(customerId).catch(() => null);
    const now = this.#deps.clock.now();
    await this.#deps.vault.update(
      { ...connection, state: { kind: "reauthorization_required", reason, since: now }, updatedAt: now },
      {
        notify: {
          type: "connection.reauthorization_required",
          customerId,
          occurredAt: now,
          reason,
          authorizationUrl: fresh?.authorizationUrl ?? null,
          authorizationExpiresAt: fresh?.expiresAt ?? null,
        },
      },
    );
    this.#deps.onRefresh?.("reauthorization_required");
    throw reauthorizationRequired(customerId);
  }
}

function usable(connection: Connection | null, customerId: CustomerId): Connection {
  if (connection === null) {
    throw new DomainError("calendar_not_connected", "This customer has not connected a Google Calendar", {
      details: { customer_id: customerId },
    });
  }
  if (connection.state.kind === "reauthorization_required") throw reauthorizationRequired(customerId);
  return connection;
}

function reauthorizationRequired(customerId: CustomerId): DomainError {
  return new DomainError(
    "reauthorization_required",
    "Google no longer accepts this customer's authorization; they must connect their calendar again",
    { details: { customer_id: customerId } },
  );
}

function toUsable(connection: Connection): UsableToken {
  return {
    accessToken: connection.tokens.accessToken,
    scopes: connection.tokens.scopes,
    email: connection.email,
  };
}
