import type { CustomerId } from "./customer-id.ts";

/** What Google granted, as we keep it. */
export interface TokenSet {
  accessToken: string;
  /** Null only when Google never sent one (e.g. a grant without offline access). */
  refreshToken: string | null;
  expiresAt: Date;
  /** Granted scopes, as Google reported them: users can untick scopes on the consent page. */
  scopes: string[];
}

/** What the OAuth provider answers to a code exchange or a refresh. */
export interface GrantedTokens {
  accessToken: string;
  /** Google usually omits it on refresh: keep the old one then. */
  refreshToken: string | null;
  expiresAt: Date;
  /** Null when the provider did not say (on refresh the old scopes stand). */
  scopes: string[] | null;
  /** The account's email, from the id_token; null when not granted. */
  email: string | null;
  /** The OAuth client these tokens were issued to (a refresh must use the same client). */
  clientId: string;
}

export type ConnectionState =
  | { kind: "connected" }
  /** Google answered invalid_grant: the grant was revoked or expired; tokens are kept for audit/revocation. */
  | { kind: "reauthorization_required"; reason: string; since: Date };

/** One customer's link to their Google Calendar. */
export interface Connection {
  customerId: CustomerId;
  email: string | null;
  tokens: TokenSet;
  state: ConnectionState;
  connectedAt: Date;
  updatedAt: Date;
  /**
   * The OAuth client that issued the grant; null for records stored before the client was
   * recorded (they are taken to come from the configured client).
   */
  oauthClientId: string | null;
}

/** Public view of a connection: never carries a token. */
export interface ConnectionStatus {
  customerId: CustomerId;
  connected: boolean;
  email: string | null;
  expiresAt: Date | null;
  scopes: string[];
  /**
   * Why `connected` is false: "not_connected", "reauthorization_required", or
   * "oauth_client_changed" (the grant belongs to an OAuth client this server no longer uses).
   */
  reason: string | null;
  connectedAt: Date | null;
  /** Which OAuth client issued the grant, against the configured one; null when nothing is stored. */
  oauthClient: "current" | "previous" | "changed" | null;
}

/** A started but unfinished authorization: single use, short-lived, bound to a customer. */
export interface PendingAuthorization {
  state: string;
  customerId: CustomerId;
  codeVerifier: string;
  expiresAt: Date;
  /** Only this Google account may complete it (compared case-insensitively). */
  expectedEmail?: string;
}
