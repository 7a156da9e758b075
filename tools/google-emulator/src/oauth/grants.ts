/**
 * Issuing and withdrawing what the user consented to: authorization codes, access tokens and
 * refresh tokens, all tied together by a grant id so one revocation reaches every token.
 */

import type {
  AuthorizationCodeGrant,
  EmulatorState,
  IssuedAccessToken,
  IssuedRefreshToken,
} from "../emulator-state.ts";
import { base64Url } from "./id-token.ts";

function randomPart(byteCount: number): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(byteCount)));
}

/** Shapes copied from Google so clients that sniff prefixes (or log them) behave as in production. */
export const mintCode = (): string => `4/0A${randomPart(54)}`;
export const mintAccessToken = (): string => `ya29.a0${randomPart(120)}`;
export const mintRefreshToken = (): string => `1//0${randomPart(72)}`;

export interface Approval {
  clientId: string;
  redirectUri: string;
  email: string;
  /** Canonical granted scopes. */
  scopes: string[];
  codeChallenge: string | null;
  codeChallengeMethod: "S256" | "plain" | null;
  issueRefreshToken: boolean;
  nonce: string | null;
}

export function createAuthorizationCode(state: EmulatorState, approval: Approval): AuthorizationCodeGrant {
  const grant: AuthorizationCodeGrant = {
    ...approval,
    code: mintCode(),
    expiresAt: Date.now() + state.options.codeTtlSeconds * 1000,
    used: false,
    grantId: crypto.randomUUID(),
  };
  state.codes.set(grant.code, grant);
  return grant;
}

type TokenOwner = Pick<IssuedAccessToken, "clientId" | "email" | "scopes" | "grantId">;

export function issueAccessToken(state: EmulatorState, owner: TokenOwner): IssuedAccessToken {
  const issued: IssuedAccessToken = {
    ...owner,
    token: mintAccessToken(),
    expiresAt: Date.now() + state.options.accessTokenTtlSeconds * 1000,
  };
  state.accessTokens.set(issued.token, issued);
  return issued;
}

export function issueRefreshToken(state: EmulatorState, owner: TokenOwner): IssuedRefreshToken {
  const issued: IssuedRefreshToken = { ...owner, token: mintRefreshToken(), revoked: false };
  state.refreshTokens.set(issued.token, issued);
  return issued;
}

function ownedBy(clientId: string | null, email: string) {
  return (token: { clientId: string; email: string }): boolean =>
    token.email === email && (clientId === null || token.clientId === clientId);
}

/** Scopes the account still grants the client (for include_granted_scopes). */
export function liveScopes(state: EmulatorState, clientId: string, email: string): string[] {
  const owned = ownedBy(clientId, email);
  const now = Date.now();
  const scopes = new Set<string>();
  for (const token of state.refreshTokens.values()) {
    if (!token.revoked && owned(token)) for (const scope of token.scopes) scopes.add(scope);
  }
  for (const token of state.accessTokens.values()) {
    if (token.expiresAt > now && owned(token)) for (const scope of token.scopes) scopes.add(scope);
  }
  return [...scopes];
}

/** Google only hands out a refresh token on first consent (or when consent is forced). */
export function hasLiveRefreshToken(state: EmulatorState, clientId: string, email: string): boolean {
  const owned = ownedBy(clientId, email);
  for (const token of state.refreshTokens.values()) {
    if (!token.revoked && owned(token)) return true;
  }
  return false;
}

/**
 * Withdraws every grant an account gave (to one client, or to all when `clientId` is null):
 * what revoking a token through the API, or removing the app in the Google Account, does.
 * Returns how many grants were withdrawn.
 */
export function revokeAccess(state: EmulatorState, email: string, clientId: string | null): number {
  const owned = ownedBy(clientId, email);
  const grantIds = new Set<string>();
  for (const token of state.refreshTokens.values()) {
    if (!token.revoked && owned(token)) grantIds.add(token.grantId);
  }
  for (const token of state.accessTokens.values()) {
    if (owned(token)) grantIds.add(token.grantId);
  }
  for (const grantId of grantIds) state.revokeGrant(grantId);
  return grantIds.size;
}
