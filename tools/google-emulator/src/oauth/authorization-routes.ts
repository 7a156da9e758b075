/**
 * `GET /o/oauth2/v2/auth` (Google's authorization endpoint) and the consent form it shows.
 * The request waits server-side under a random id while the user decides, so the form
 * carries nothing a page could tamper with, and the id doubles as the form's CSRF token.
 */

import { Hono } from "hono";
import type { EmulatorAccount, EmulatorState } from "../emulator-state.ts";
import { type AuthorizationRequest, parseAuthorizationRequest } from "./authorization-request.ts";
import { CONSENT_FORM_PATH, consentPage } from "./consent-page.ts";
import { authorizationErrorPage } from "./error-page.ts";
import { applyFault } from "./faults.ts";
import { createAuthorizationCode, hasLiveRefreshToken, liveScopes } from "./grants.ts";
import { pickLanguage, redirectResponse } from "./html-page.ts";
import { canonicalScopes, isIdentityScope, redirectScopeParameter } from "./scope-catalogue.ts";

/** Shown when no account was registered, so the sandbox works out of the box. */
export const DEFAULT_SANDBOX_EMAIL = "sandbox.user@example.com";

const PENDING_TTL_MS = 10 * 60 * 1000;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

function ensureAccount(state: EmulatorState, email: string): EmulatorAccount {
  return state.accounts.get(email) ?? state.addAccount({ email });
}

function redirectWith(request: AuthorizationRequest, params: Record<string, string>): Response {
  const url = new URL(request.redirectUri);
  if (request.state !== null) url.searchParams.set("state", request.state);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return redirectResponse(url.toString());
}

/** Issues the code for the scopes the user granted and sends the browser back to the client. */
function approve(
  state: EmulatorState,
  request: AuthorizationRequest,
  email: string,
  granted: string[],
  prompt: "consent" | "none",
): Response {
  ensureAccount(state, email);
  const own = canonicalScopes(granted);
  const scopes = request.includeGrantedScopes
    ? [...new Set([...liveScopes(state, request.clientId, email), ...own])]
    : own;
  const grant = createAuthorizationCode(state, {
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    email,
    scopes,
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: request.codeChallengeMethod,
    issueRefreshToken:
      request.accessType === "offline" &&
      (request.prompt.includes("consent") || !hasLiveRefreshToken(state, request.clientId, email)),
    nonce: request.nonce,
  });
  return redirectWith(request, {
    code: grant.code,
    scope: redirectScopeParameter(request.scopes, scopes),
    authuser: "0",
    prompt,
  });
}

/**
 * prompt=none cannot show a page: it succeeds only for a known account that already granted
 * every requested scope, otherwise Google redirects with an error.
 */
function silentAuthorization(state: EmulatorState, request: AuthorizationRequest): Response {
  const email = request.loginHint;
  if (email === null || !state.accounts.has(email)) {
    return redirectWith(request, { error: "interaction_required" });
  }
  const live = liveScopes(state, request.clientId, email);
  const covered = canonicalScopes(request.scopes).every((scope) => live.includes(scope));
  if (!covered) return redirectWith(request, { error: "consent_required" });
  return approve(state, request, email, request.scopes, "none");
}

function consentAccounts(state: EmulatorState, loginHint: string | null): EmulatorAccount[] {
  if (state.accounts.size === 0) ensureAccount(state, DEFAULT_SANDBOX_EMAIL);
  const accounts = [...state.accounts.values()];
  // A login_hint for an unknown address is offered too, as Google pre-fills the sign-in.
  if (loginHint !== null && EMAIL.test(loginHint) && !state.accounts.has(loginHint)) {
    accounts.push({ sub: "", email: loginHint, name: loginHint, timeZone: "UTC" });
  }
  return accounts;
}

export function authorizationRoutes(state: EmulatorState): Hono {
  const pending = new Map<string, { request: AuthorizationRequest; expiresAt: number }>();
  const app = new Hono();

  app.get("/o/oauth2/v2/auth", async (c) => {
    const fault = await applyFault(state, "auth", "html");
    if (fault !== undefined) return fault;
    const language = pickLanguage(c.req.query("hl"), c.req.header("Accept-Language"));
    const parsed = parseAuthorizationRequest(state, new URL(c.req.url).searchParams);
    if (!parsed.ok) return authorizationErrorPage(parsed.problem, language);
    const request = parsed.request;
    const autoEmail = state.options.autoApproveEmail;
    if (autoEmail !== null) return approve(state, request, autoEmail, request.scopes, "consent");
    if (request.prompt.includes("none")) return silentAuthorization(state, request);

    const now = Date.now();
    for (const [id, entry] of pending) if (entry.expiresAt <= now) pending.delete(id);
    const requestId = crypto.randomUUID();
    pending.set(requestId, { request, expiresAt: now + PENDING_TTL_MS });
    const accounts = consentAccounts(state, request.loginHint);
    const hinted = accounts.find((account) => account.email === request.loginHint);
    return consentPage({
      language,
      requestId,
      clientId: request.clientId,
      accounts,
      selectedEmail: hinted?.email ?? accounts[0]?.email ?? DEFAULT_SANDBOX_EMAIL,
      scopes: request.scopes,
    });
  });

  app.post(CONSENT_FORM_PATH, async (c) => {
    const fault = await applyFault(state, "auth", "html");
    if (fault !== undefined) return fault;
    const language = pickLanguage(undefined, c.req.header("Accept-Language"));
    const form = await c.req.parseBody({ all: true });
    const field = (name: string): string => {
      const value = form[name];
      return typeof value === "string" ? value : "";
    };
    const entry = pending.get(field("request_id"));
    pending.delete(field("request_id"));
    if (entry === undefined || entry.expiresAt <= Date.now()) {
      return authorizationErrorPage(
        {
          status: 400,
          error: "invalid_request",
          message: "This sign-in request has expired or was already answered. Start again from the app.",
          kind: "invalid",
          details: [],
        },
        language,
      );
    }
    const request = entry.request;
    if (field("decision") !== "allow") return redirectWith(request, { error: "access_denied" });

    const email = field("account");
    const offered = consentAccounts(state, request.loginHint).map((account) => account.email);
    if (!offered.includes(email)) return redirectWith(request, { error: "access_denied" });
    const ticked = ([] as unknown[]).concat(form.scope ?? []).filter((value) => typeof value === "string");
    const granted = request.scopes.filter((scope) => isIdentityScope(scope) || ticked.includes(scope));
    return approve(state, request, email, granted, "consent");
  });

  return app;
}
