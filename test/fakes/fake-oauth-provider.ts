import type { GrantedTokens } from "../../src/domain/connection.ts";
import { DomainError } from "../../src/domain/errors.ts";
import type { Clock } from "../../src/domain/ports/clock.ts";
import type { AuthorizationRequest, OAuthProvider } from "../../src/domain/ports/oauth-provider.ts";

/**
 * An OAuth provider that lives in memory: codes are whatever `issueCode` returned, tokens are
 * counters. Tests steer it (fail next refresh, slow refreshes) and read what it was asked.
 */
export class FakeOAuthProvider implements OAuthProvider {
  readonly #clock: Clock;
  readonly #codes = new Map<string, { verifier: string; email: string; scopes: string[] }>();
  readonly #liveRefreshTokens = new Set<string>();
  #counter = 0;
  refreshCalls = 0;
  exchangeCalls = 0;
  readonly revoked: string[] = [];
  /** Set to make the next refreshes fail this way. */
  refreshFailure: DomainError | null = null;
  /** Set to make `revoke` fail (Google down). */
  revokeFailure: DomainError | null = null;
  /** Milliseconds each refresh takes, so concurrent callers really overlap. */
  refreshDelayMs = 5;
  tokenLifetimeMs = 3600 * 1000;
  rotateRefreshTokens = false;
  /** The OAuth client this fake plays; grants record it. */
  clientId = "fake-client.apps.googleusercontent.com";
  /** The client id each refresh was asked to use (null: the configured one). */
  readonly refreshClientIds: Array<string | null> = [];

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  authorizationUrl(request: AuthorizationRequest): string {
    const url = new URL("https://accounts.example.test/auth");
    url.searchParams.set("state", request.state);
    url.searchParams.set("verifier_for_tests", request.codeVerifier);
    if (request.loginHint !== undefined) url.searchParams.set("login_hint", request.loginHint);
    return url.toString();
  }

  /** What the consent page would do: a code for this verifier. */
  issueCode(
    codeVerifier: string,
    email = "user@example.com",
    scopes = ["openid", "email", "calendar.events"],
  ): string {
    const code = `code-${++this.#counter}`;
    this.#codes.set(code, { verifier: codeVerifier, email, scopes });
    return code;
  }

  async exchangeCode(code: string, codeVerifier: string): Promise<GrantedTokens> {
    this.exchangeCalls += 1;
    const issued = this.#codes.get(code);
    this.#codes.delete(code);
    if (issued === undefined || issued.verifier !== codeVerifier) {
      throw new DomainError("oauth_exchange_failed", "Google rejected the authorization code");
    }
    const refreshToken = `refresh-${++this.#counter}`;
    this.#liveRefreshTokens.add(refreshToken);
    return {
      ...this.#accessToken(),
      refreshToken,
      scopes: issued.scopes,
      email: issued.email,
      clientId: this.clientId,
    };
  }

  async refresh(refreshToken: string, clientId: string | null = null): Promise<GrantedTokens> {
    this.refreshCalls += 1;
    this.refreshClientIds.push(clientId);
    await Bun.sleep(this.refreshDelayMs);
    if (this.refreshFailure !== null) throw this.refreshFailure;
    if (!this.#liveRefreshTokens.has(refreshToken)) {
      throw new DomainError("reauthorization_required", "Token has been expired or revoked.");
    }
    let rotated: string | null = null;
    if (this.rotateRefreshTokens) {
      this.#liveRefreshTokens.delete(refreshToken);
      rotated = `refresh-${++this.#counter}`;
      this.#liveRefreshTokens.add(rotated);
    }
    return {
      ...this.#accessToken(),
      refreshToken: rotated,
      scopes: null,
      email: null,
      clientId: clientId ?? this.clientId,
    };
  }

  async revoke(token: string): Promise<boolean> {
    if (this.revokeFailure !== null) throw this.revokeFailure;
    this.revoked.push(token);
    return this.#liveRefreshTokens.delete(token);
  }

  /** Simulate the user removing our access in their Google account. */
  revokeAll(): void {
    this.#liveRefreshTokens.clear();
  }

  #accessToken(): { accessToken: string; expiresAt: Date } {
    return {
      accessToken: `access-${++this.#counter}`,
      expiresAt: new Date(this.#clock.now().getTime() + this.tokenLifetimeMs),
    };
  }
}
