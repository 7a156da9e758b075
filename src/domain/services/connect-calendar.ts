import type { Connection, PendingAuthorization } from "../connection.ts";
import type { CustomerId } from "../customer-id.ts";
import { DomainError, isDomainError } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { CustomerLock } from "../ports/customer-lock.ts";
import type { Notifications } from "../ports/notifications.ts";
import type { OAuthProvider } from "../ports/oauth-provider.ts";
import type { PendingAuthorizations } from "../ports/pending-authorizations.ts";
import type { TokenVault } from "../ports/token-vault.ts";
import { randomToken } from "../random.ts";

export interface StartedAuthorization {
  authorizationUrl: string;
  state: string;
  expiresAt: Date;
}

export interface CompletedAuthorization {
  customerId: CustomerId;
  email: string | null;
  scopes: string[];
}

export interface ConnectCalendarDeps {
  oauth: OAuthProvider;
  pending: PendingAuthorizations;
  vault: TokenVault;
  lock: CustomerLock;
  clock: Clock;
  /** How long a started authorization stays valid. */
  stateTtlMs?: number;
  /** Told (durably) about each completed connection; none when webhooks are off. */
  notifications?: Notifications;
}

const TEN_MINUTES = 10 * 60 * 1000;

/** Links a customer to their Google Calendar: consent URL out, authorization code in. */
export class ConnectCalendar {
  readonly #deps: ConnectCalendarDeps;
  readonly #stateTtlMs: number;

  constructor(deps: ConnectCalendarDeps) {
    this.#deps = deps;
    this.#stateTtlMs = deps.stateTtlMs ?? TEN_MINUTES;
  }

  /** Begin: a fresh single-use state bound to the customer, holding the PKCE verifier. */
  async start(customerId: CustomerId, loginHint?: string): Promise<StartedAuthorization> {
    const pending: PendingAuthorization = {
      state: randomToken(),
      customerId,
      codeVerifier: randomToken(),
      expiresAt: new Date(this.#deps.clock.now().getTime() + this.#stateTtlMs),
    };
    await this.#deps.pending.save(pending);
    const authorizationUrl = this.#deps.oauth.authorizationUrl({
      state: pending.state,
      codeVerifier: pending.codeVerifier,
      ...(loginHint === undefined ? {} : { loginHint }),
    });
    return { authorizationUrl, state: pending.state, expiresAt: pending.expiresAt };
  }

  /**
   * Finish: consume the state, exchange the code, store the tokens.
   * @throws DomainError invalid_state, oauth_exchange_failed, google_unavailable, storage_unavailable
   */
  async complete(state: string, code: string): Promise<CompletedAuthorization> {
    const pending = await this.#takeValid(state);
    const granted = await this.#deps.oauth.exchangeCode(code, pending.codeVerifier);
    const customerId = pending.customerId;
    return this.#deps.lock.withLock(customerId, "token", async () => {
      const previous = await this.#deps.vault.get(customerId).catch(() => null);
      const now = this.#deps.clock.now();
      const connection: Connection = {
        customerId,
        email: granted.email ?? previous?.email ?? null,
        tokens: {
          accessToken: granted.accessToken,
          // A reconnect without a new refresh token keeps the one Google still honours.
          refreshToken: granted.refreshToken ?? previous?.tokens.refreshToken ?? null,
          expiresAt: granted.expiresAt,
          scopes: granted.scopes ?? [],
        },
        state: { kind: "connected" },
        connectedAt: now,
        updatedAt: now,
      };
      await this.#deps.vault.put(connection);
      const { email, tokens } = connection;
      await this.#deps.notifications?.record({
        type: "connection.connected",
        customerId,
        occurredAt: now,
        email,
        scopes: tokens.scopes,
      });
      return { customerId, email, scopes: tokens.scopes };
    });
  }

  /**
   * The user refused (or Google reported an error): the state is consumed so it cannot be
   * replayed, and the customer it belonged to is reported.
   * @throws DomainError invalid_state when the state is unknown, otherwise access_denied
   */
  async reject(state: string, googleError: string): Promise<never> {
    const pending = await this.#takeValid(state);
    throw new DomainError("access_denied", `Google Calendar access was not granted (${googleError})`, {
      details: { customer_id: pending.customerId, google_error: googleError },
    });
  }

  async #takeValid(state: string): Promise<PendingAuthorization> {
    const pending = state === "" ? null : await this.#deps.pending.take(state).catch(unreadableAsMissing);
    if (pending === null) {
      throw new DomainError("invalid_state", "Unknown or already used authorization state; start again");
    }
    if (pending.expiresAt.getTime() <= this.#deps.clock.now().getTime()) {
      throw new DomainError("invalid_state", "The authorization request expired; start again", {
        details: { customer_id: pending.customerId },
      });
    }
    return pending;
  }
}

/** A pending entry no held key opens (keys changed since) is as good as unknown: start again. */
function unreadableAsMissing(error: unknown): null {
  if (isDomainError(error, "record_unreadable")) return null;
  throw error;
}
