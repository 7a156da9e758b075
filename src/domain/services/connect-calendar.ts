import { revokeUnlessShared, sameAccount, storeConsent } from "../account-binding.ts";
import type { GrantedTokens, PendingAuthorization } from "../connection.ts";
import type { CustomerId } from "../customer-id.ts";
import { DomainError, unreadableAsMissing } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { CustomerLock } from "../ports/customer-lock.ts";
import type { OAuthProvider } from "../ports/oauth-provider.ts";
import type { PendingAuthorizations } from "../ports/pending-authorizations.ts";
import type { TokenVault } from "../ports/token-vault.ts";
import { randomToken } from "../random.ts";
import type { ConfirmConnection, HeldConnection } from "./confirm-connection.ts";

export interface StartedAuthorization {
  authorizationUrl: string;
  state: string;
  expiresAt: Date;
}

export interface CompletedAuthorization {
  customerId: CustomerId;
  email: string | null;
  scopes: string[];
  /** Set when the consent is held until the backend confirms it (nothing stored yet). */
  held?: HeldConnection;
}

export interface ConnectCalendarDeps {
  oauth: OAuthProvider;
  pending: PendingAuthorizations;
  vault: TokenVault;
  lock: CustomerLock;
  clock: Clock;
  /** How long a started authorization stays valid. */
  stateTtlMs?: number;
  /** With it, a consent is held for the backend to confirm instead of stored at once. */
  confirmation?: ConfirmConnection;
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

  /**
   * Begin: a fresh single-use state bound to the customer, holding the PKCE verifier. With
   * `expectedEmail` only that Google account may finish (it is also the login hint).
   */
  async start(
    customerId: CustomerId,
    loginHint?: string,
    expectedEmail?: string,
  ): Promise<StartedAuthorization> {
    const pending: PendingAuthorization = {
      state: randomToken(),
      customerId,
      codeVerifier: randomToken(),
      expiresAt: new Date(this.#deps.clock.now().getTime() + this.#stateTtlMs),
      ...(expectedEmail === undefined ? {} : { expectedEmail }),
    };
    await this.#deps.pending.save(pending);
    const hint = loginHint ?? expectedEmail;
    const authorizationUrl = this.#deps.oauth.authorizationUrl({
      state: pending.state,
      codeVerifier: pending.codeVerifier,
      ...(hint === undefined ? {} : { loginHint: hint }),
    });
    return { authorizationUrl, state: pending.state, expiresAt: pending.expiresAt };
  }

  /**
   * Finish: consume the state, exchange the code, store the tokens. Another account than the
   * stored one replaces the whole record, and its predecessor's grant is revoked unless another
   * customer still holds it.
   * @throws DomainError invalid_state, oauth_exchange_failed, account_mismatch, missing_refresh_token,
   *   google_unavailable, storage_unavailable, record_unreadable (the record written cannot be sealed)
   */
  async complete(state: string, code: string): Promise<CompletedAuthorization> {
    const pending = await this.#takeValid(state);
    const granted = await this.#deps.oauth.exchangeCode(code, pending.codeVerifier);
    const customerId = pending.customerId;
    await this.#requireExpectedAccount(pending, granted);
    const confirmation = this.#deps.confirmation;
    if (confirmation !== undefined) {
      const held = await confirmation.hold(customerId, granted);
      return { customerId, email: granted.email, scopes: granted.scopes ?? [], held };
    }
    return this.#deps.lock.withLock(customerId, "token", (held) =>
      storeConsent(this.#deps, held, customerId, granted),
    );
  }

  /** A link made for one account, consented by another: revoke what was granted, store nothing. */
  async #requireExpectedAccount(pending: PendingAuthorization, granted: GrantedTokens): Promise<void> {
    if (pending.expectedEmail === undefined || sameAccount(pending.expectedEmail, granted.email)) return;
    await revokeUnlessShared(
      this.#deps,
      granted.refreshToken ?? granted.accessToken,
      { email: granted.email, clientId: granted.clientId },
      pending.customerId,
    );
    throw new DomainError(
      "account_mismatch",
      "This link was made for another Google account; nothing was connected. Sign in with the expected account and ask for a new link",
    );
  }

  /**
   * The user refused (or Google reported an error): the state is consumed so it cannot be
   * replayed, and the error to answer is returned for the caller to throw. The callback is public:
   * whose link it was stays out of the answer.
   * @throws DomainError invalid_state when the state is unknown or expired
   */
  async refusal(state: string, googleError: string): Promise<DomainError> {
    await this.#takeValid(state);
    return new DomainError("access_denied", `Google Calendar access was not granted (${googleError})`, {
      details: { google_error: googleError },
    });
  }

  async #takeValid(state: string): Promise<PendingAuthorization> {
    const pending = state === "" ? null : await this.#deps.pending.take(state).catch(unreadableAsMissing);
    if (pending === null) {
      throw new DomainError("invalid_state", "Unknown or already used authorization state; start again");
    }
    if (pending.expiresAt.getTime() <= this.#deps.clock.now().getTime()) {
      throw new DomainError("invalid_state", "The authorization request expired; start again");
    }
    return pending;
  }
}
