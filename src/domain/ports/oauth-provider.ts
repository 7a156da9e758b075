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
   * Refresh with the credentials of `clientId` (the client that issued the grant: the configured
   * one, or one of the previous clients kept for a migration); the configured client when null.
   * @throws DomainError `reauthorization_required` (invalid_grant: revoked or expired grant, or a
   *   client this server no longer holds credentials for), `google_unavailable` (5xx, timeout,
   *   unreadable answer)
   */
  refresh(refreshToken: string, clientId?: string | null): Promise<GrantedTokens>;
  /**
   * Revoke the grant behind `token` (Google revokes the whole grant for either token).
   * @returns true if revoked now, false if the provider says it was already invalid
   * @throws DomainError `google_unavailable`
   */
  revoke(token: string): Promise<boolean>;
}
