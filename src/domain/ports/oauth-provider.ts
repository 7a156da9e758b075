import type { GrantedTokens } from "../connection.ts";

export interface AuthorizationRequest {
  state: string;
  /** PKCE verifier; the provider sends its S256 challenge. */
  codeVerifier: string;
  /** Pre-selects the account on the consent page. */
  loginHint?: string;
}

/** The identity provider (Google). */
export interface OAuthProvider {
  /** The consent URL to send the user to. */
  authorizationUrl(request: AuthorizationRequest): string;
  /**
   * @throws DomainError `oauth_exchange_failed` (code rejected), `google_unavailable`
   */
  exchangeCode(code: string, codeVerifier: string): Promise<GrantedTokens>;
  /**
   * @throws DomainError `reauthorization_required` (invalid_grant: revoked or expired grant),
   *   `google_unavailable` (5xx, timeout, unreadable answer)
   */
  refresh(refreshToken: string): Promise<GrantedTokens>;
  /**
   * Revoke the grant behind `token` (Google revokes the whole grant for either token).
   * @returns true if revoked now, false if the provider says it was already invalid
   * @throws DomainError `google_unavailable`
   */
  revoke(token: string): Promise<boolean>;
}
