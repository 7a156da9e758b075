/** Shared steps for the OAuth emulator tests: PKCE pairs, the consent round trip, /token calls. */

import type { Hono } from "hono";
import { SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET } from "../src/google-emulator.ts";

export const CLIENT_ID = SANDBOX_CLIENT_ID;
export const CLIENT_SECRET = SANDBOX_CLIENT_SECRET;
export const REDIRECT_URI = "http://localhost:8787/oauth/callback";
export const CALENDAR_EVENTS = "https://www.googleapis.com/auth/calendar.events";
export const USERINFO_EMAIL = "https://www.googleapis.com/auth/userinfo.email";

export interface PkcePair {
  verifier: string;
  challenge: string;
}

/** RFC 7636 S256, computed independently of the emulator's own code. */
export async function pkcePair(): Promise<PkcePair> {
  const verifier = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return { verifier, challenge: Buffer.from(digest).toString("base64url") };
}

export function authorizePath(overrides: Record<string, string | null> = {}): string {
  const params: Record<string, string | null> = {
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: "code",
    scope: `openid email ${CALENDAR_EVENTS}`,
    state: "state-123",
    access_type: "offline",
    ...overrides,
  };
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== null) query.set(name, value);
  return `/o/oauth2/v2/auth?${query}`;
}

export function requestIdOf(html: string): string {
  const match = /name="request_id" value="([^"]+)"/.exec(html);
  if (match?.[1] === undefined) throw new Error("consent page has no request_id");
  return match[1];
}

export interface Decision {
  decision: "allow" | "deny";
  account?: string;
  /** Ticked optional scopes; defaults to every checkbox that is ticked on the page. */
  scopes?: string[];
}

/** Opens the consent page and submits it like a browser would; returns the redirect. */
export async function consent(app: Hono, path: string, decision: Decision): Promise<Response> {
  const page = await app.request(path);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}: ${html.slice(0, 200)}`);
  const form = new URLSearchParams({ request_id: requestIdOf(html), decision: decision.decision });
  const account =
    decision.account ?? /name="account" id="account-\d+" value="([^"]+)" checked/.exec(html)?.[1];
  if (account !== undefined) form.set("account", account);
  const ticked = decision.scopes ?? [
    ...html.matchAll(/name="scope" id="scope-\d+" value="([^"]+)" checked/g),
  ];
  for (const scope of ticked) form.append("scope", typeof scope === "string" ? scope : (scope[1] ?? ""));
  return app.request("/o/oauth2/v2/auth/consent", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: form,
  });
}

export function redirectParams(response: Response): URLSearchParams {
  const location = response.headers.get("Location");
  if (response.status !== 302 || location === null)
    throw new Error(`expected a redirect, got ${response.status}`);
  return new URL(location).searchParams;
}

/** Consent as the default account with every scope ticked; returns the code. */
export async function authorizationCode(
  app: Hono,
  overrides: Record<string, string | null> = {},
): Promise<string> {
  const code = redirectParams(await consent(app, authorizePath(overrides), { decision: "allow" })).get(
    "code",
  );
  if (code === null) throw new Error("redirect carries no code");
  return code;
}

export async function postToken(
  app: Hono,
  fields: Record<string, string>,
  auth: "body" | "basic" | "none" = "body",
): Promise<Response> {
  const form = new URLSearchParams(fields);
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
  if (auth === "body") {
    form.set("client_id", CLIENT_ID);
    form.set("client_secret", CLIENT_SECRET);
  } else if (auth === "basic") {
    headers.Authorization = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}`;
  }
  return app.request("/token", { method: "POST", headers, body: form });
}

export interface TokenBody {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
  scope: string;
  token_type: string;
  id_token?: string;
}

/** Full flow with PKCE: consent, then exchange. */
export async function obtainTokens(
  app: Hono,
  overrides: Record<string, string | null> = {},
): Promise<TokenBody> {
  const pkce = await pkcePair();
  const code = await authorizationCode(app, {
    code_challenge: pkce.challenge,
    code_challenge_method: "S256",
    ...overrides,
  });
  const response = await postToken(app, {
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: pkce.verifier,
  });
  if (response.status !== 200) throw new Error(`token exchange failed: ${await response.text()}`);
  return (await response.json()) as TokenBody;
}

/** Status and parsed JSON body, for comparing error answers in one assertion. */
export async function errorOf(response: Response): Promise<{ status: number; body: unknown }> {
  return { status: response.status, body: await response.json() };
}

export function decodeJwtPart(part: string | undefined): Record<string, unknown> {
  return JSON.parse(Buffer.from(part ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}
