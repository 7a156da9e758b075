import {
  ArcticFetchError,
  CodeChallengeMethod,
  decodeIdToken,
  OAuth2Client,
  OAuth2RequestError,
  type OAuth2Tokens,
  UnexpectedErrorResponseBodyError,
  UnexpectedResponseError,
} from "arctic";
import type { GrantedTokens } from "../../domain/connection.ts";
import { DomainError } from "../../domain/errors.ts";
import type { Clock } from "../../domain/ports/clock.ts";
import type { AuthorizationRequest, OAuthProvider } from "../../domain/ports/oauth-provider.ts";
import { type GoogleCallObserver, IGNORE_GOOGLE_CALLS, observed } from "./google-call-observer.ts";
import { OutboundTimeoutError, type RetryPolicy, withDeadline, withRetry } from "./outbound-call.ts";

export interface GoogleOAuthSettings {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  authUrl: string;
  tokenUrl: string;
  revokeUrl: string;
  scopes: string[];
  /** Deadline for each call to the token or revoke endpoint. */
  timeoutMs: number;
  /** For refresh and revoke only: a code exchange is single-use and never retried. */
  retry: RetryPolicy;
  /**
   * Clients this server switched away from (GOOGLE_OAUTH_PREVIOUS_CLIENTS): their grants are
   * still refreshed with their own credentials until the user reconnects.
   */
  previousClients?: Array<{ clientId: string; clientSecret: string }>;
}

/**
 * Google OAuth through Arctic's generic client: Arctic's `Google` class hard-codes Google's
 * URLs, and ours must be configurable (the emulator, a proxy).
 */
export class ArcticGoogleOAuthProvider implements OAuthProvider {
  readonly #settings: GoogleOAuthSettings;
  readonly #client: OAuth2Client;
  /** The configured client and the previous ones, by client id (refresh only). */
  readonly #refreshClients: Map<string, OAuth2Client>;
  readonly #clock: Clock;
  readonly #observe: GoogleCallObserver;

  /** `observe` hears of every call to the token and revoke endpoints (metrics). */
  constructor(
    settings: GoogleOAuthSettings,
    clock: Clock,
    observe: GoogleCallObserver = IGNORE_GOOGLE_CALLS,
  ) {
    this.#settings = settings;
    this.#clock = clock;
    this.#observe = observe;
    this.#client = new OAuth2Client(settings.clientId, settings.clientSecret, settings.redirectUri);
    this.#refreshClients = new Map([[settings.clientId, this.#client]]);
    for (const previous of settings.previousClients ?? []) {
      if (previous.clientId === settings.clientId) continue;
      this.#refreshClients.set(
        previous.clientId,
        new OAuth2Client(previous.clientId, previous.clientSecret, settings.redirectUri),
      );
    }
  }

  authorizationUrl(request: AuthorizationRequest): string {
    const url = this.#client.createAuthorizationURLWithPKCE(
      this.#settings.authUrl,
      request.state,
      CodeChallengeMethod.S256,
      request.codeVerifier,
      this.#settings.scopes,
    );
    // Arctic adds none of these: offline access gives a refresh token, prompt=consent makes
    // Google send one again on reconnect, and incremental auth keeps earlier grants.
    url.searchParams.set("access_type", "offline");
    url.searchParams.set("include_granted_scopes", "true");
    url.searchParams.set("prompt", "consent");
    if (request.loginHint !== undefined) url.searchParams.set("login_hint", request.loginHint);
    return url.toString();
  }

  async exchangeCode(code: string, codeVerifier: string): Promise<GrantedTokens> {
    try {
      const tokens = await observed(this.#observe, "oauth_token", () =>
        withDeadline(this.#settings.timeoutMs, () =>
          this.#client.validateAuthorizationCode(this.#settings.tokenUrl, code, codeVerifier),
        ),
      );
      return this.#granted(tokens, "exchange", this.#settings.clientId);
    } catch (error) {
      throw translate(error, "exchange");
    }
  }

  async refresh(refreshToken: string, clientId: string | null = null): Promise<GrantedTokens> {
    const issuer = clientId ?? this.#settings.clientId;
    const client = this.#refreshClients.get(issuer);
    if (client === undefined) {
      throw new DomainError(
        "reauthorization_required",
        "The grant was issued to an OAuth client this server no longer holds credentials for",
        { details: { reason: "oauth_client_changed" } },
      );
    }
    try {
      const tokens = await observed(this.#observe, "oauth_token", () =>
        withRetry(this.#settings.retry, isTransient, () =>
          withDeadline(this.#settings.timeoutMs, () =>
            client.refreshAccessToken(this.#settings.tokenUrl, refreshToken, []),
          ),
        ),
      );
      return this.#granted(tokens, "refresh", issuer);
    } catch (error) {
      throw translate(error, "refresh");
    }
  }

  async revoke(token: string): Promise<boolean> {
    try {
      await observed(this.#observe, "oauth_revoke", () =>
        withRetry(this.#settings.retry, isTransient, () =>
          withDeadline(this.#settings.timeoutMs, () =>
            this.#client.revokeToken(this.#settings.revokeUrl, token),
          ),
        ),
      );
      return true;
    } catch (error) {
      // Google answers 400 invalid_token for a token that is already revoked or expired.
      if (error instanceof OAuth2RequestError && error.code === "invalid_token") return false;
      throw translate(error, "revoke");
    }
  }

  #granted(tokens: OAuth2Tokens, operation: "exchange" | "refresh", clientId: string): GrantedTokens {
    let accessToken: string;
    let expiresInSeconds: number;
    try {
      accessToken = tokens.accessToken();
      expiresInSeconds = tokens.accessTokenExpiresInSeconds();
    } catch (cause) {
      throw new DomainError("google_unavailable", "Google's token answer lacks access_token or expires_in", {
        cause,
      });
    }
    // An empty token would be stored and then fail every call: refuse the answer instead.
    if (accessToken === "") {
      throw new DomainError("google_unavailable", "Google's token answer has an empty access_token");
    }
    const refreshToken = tokens.hasRefreshToken() ? tokens.refreshToken() : null;
    if (refreshToken === "" && operation === "exchange") {
      throw new DomainError("google_unavailable", "Google's token answer has an empty refresh_token");
    }
    return {
      accessToken,
      // On refresh an empty one is as good as none: the stored refresh token stays.
      refreshToken: refreshToken === "" ? null : refreshToken,
      expiresAt: new Date(this.#clock.now().getTime() + expiresInSeconds * 1000),
      scopes: tokens.hasScopes() ? tokens.scopes().filter((scope) => scope !== "") : null,
      email: emailFrom(tokens),
      clientId,
    };
  }
}

/**
 * The id_token comes straight from Google's token endpoint over TLS, so OpenID Connect Core
 * §3.1.3.7 lets us read it without checking its signature.
 */
function emailFrom(tokens: OAuth2Tokens): string | null {
  if (!("id_token" in tokens.data) || typeof tokens.data.id_token !== "string") return null;
  try {
    const claims = decodeIdToken(tokens.data.id_token) as { email?: unknown };
    return typeof claims.email === "string" ? claims.email : null;
  } catch {
    return null;
  }
}

function isTransient(error: unknown): boolean {
  if (error instanceof ArcticFetchError || error instanceof OutboundTimeoutError) return true;
  return error instanceof UnexpectedResponseError && (error.status >= 500 || error.status === 429);
}

type Operation = "exchange" | "refresh" | "revoke";

/** Arctic's four error kinds, and our timeout, as domain errors. Never includes a token. */
function translate(error: unknown, operation: Operation): DomainError {
  if (error instanceof DomainError) return error;
  if (error instanceof OAuth2RequestError) {
    if (error.code === "invalid_grant" && operation === "refresh") {
      return new DomainError("reauthorization_required", "Google says the grant was revoked or has expired", {
        details: { google_error: error.code },
      });
    }
    if (error.code === "unauthorized_client" && operation === "refresh") {
      // The refresh token was issued to another OAuth client: only a new consent mends that.
      return new DomainError(
        "reauthorization_required",
        "Google says the grant belongs to another OAuth client",
        { details: { google_error: error.code, reason: "oauth_client_changed" } },
      );
    }
    if (operation === "exchange") {
      return new DomainError(
        "oauth_exchange_failed",
        `Google refused the authorization code (${error.code}${error.description ? `: ${error.description}` : ""})`,
        { details: { google_error: error.code } },
      );
    }
    // invalid_client and friends: our OAuth client is misconfigured; the user cannot fix it.
    return new DomainError("google_unavailable", `Google refused the ${operation} request (${error.code})`, {
      details: { google_error: error.code },
    });
  }
  if (error instanceof UnexpectedResponseError || error instanceof UnexpectedErrorResponseBodyError) {
    if (error.status === 429) {
      return new DomainError("rate_limited", "Google's token endpoint is rate limiting us", {
        details: { retry_after_seconds: 10 },
      });
    }
    return new DomainError("google_unavailable", `Google's OAuth endpoint answered HTTP ${error.status}`);
  }
  if (error instanceof OutboundTimeoutError) {
    return new DomainError(
      "google_unavailable",
      `Google's OAuth endpoint did not answer within ${error.timeoutMs} ms`,
    );
  }
  if (error instanceof ArcticFetchError) {
    return new DomainError("google_unavailable", "Google's OAuth endpoint could not be reached");
  }
  return new DomainError("google_unavailable", `Unexpected failure talking to Google's OAuth endpoint`);
}
