/**
 * Validation of `GET /o/oauth2/v2/auth`, in Google's order and with Google's messages. Google
 * never redirects these errors back to the client: it shows its own error page, because a
 * request that fails here may carry an untrusted redirect_uri.
 */

import type { EmulatorClient, EmulatorState } from "../emulator-state.ts";
import { isKnownScope, splitScopes } from "./scope-catalogue.ts";

export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  /** As requested (short names kept), de-duplicated. */
  scopes: string[];
  state: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: "S256" | "plain" | null;
  accessType: "online" | "offline";
  prompt: string[];
  includeGrantedScopes: boolean;
  loginHint: string | null;
  nonce: string | null;
}

export interface AuthorizationProblem {
  status: 400 | 401;
  /** Google's error code, shown as "Error 400: <error>". */
  error: string;
  message: string;
  /** "blocked" pages say the app is blocked; "invalid" ones that its request is invalid. */
  kind: "blocked" | "invalid";
  /** Echoed as "Request details", like Google's page. */
  details: Array<[string, string]>;
}

export type ParsedAuthorization =
  | { ok: true; request: AuthorizationRequest }
  | { ok: false; problem: AuthorizationProblem };

const PROMPTS = new Set(["none", "consent", "select_account"]);
const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;

/** Loopback redirects (any port) are what Google allows for local development clients. */
export function isLoopbackRedirect(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  } catch {
    return false;
  }
}

export function redirectAllowed(client: EmulatorClient, uri: string): boolean {
  return client.redirectUris.length === 0 ? isLoopbackRedirect(uri) : client.redirectUris.includes(uri);
}

export function parseAuthorizationRequest(
  state: EmulatorState,
  params: URLSearchParams,
): ParsedAuthorization {
  const details: Array<[string, string]> = [...params.entries()].filter(
    ([name]) => name !== "code_challenge",
  );
  const fail = (
    status: 400 | 401,
    error: string,
    message: string,
    kind: AuthorizationProblem["kind"] = "invalid",
  ) => ({ ok: false, problem: { status, error, message, kind, details } }) as const;
  const missing = (name: string) => fail(400, "invalid_request", `Missing required parameter: ${name}`);
  const invalidValue = (name: string, value: string) =>
    fail(400, "invalid_request", `Invalid parameter value for ${name}: '${value}'`);
  const get = (name: string): string | null => {
    const value = params.get(name);
    return value === null || value === "" ? null : value;
  };

  const clientId = get("client_id");
  if (clientId === null) return missing("client_id");
  const client = state.clients.get(clientId);
  if (client === undefined) return fail(401, "invalid_client", "The OAuth client was not found.", "blocked");
  const redirectUri = get("redirect_uri");
  if (redirectUri === null) return missing("redirect_uri");
  if (!redirectAllowed(client, redirectUri)) {
    return fail(
      400,
      "redirect_uri_mismatch",
      "You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. " +
        "If you're the app developer, register the redirect URI in the Google Cloud Console.",
    );
  }

  const responseType = get("response_type");
  if (responseType === null) return missing("response_type");
  if (responseType !== "code") {
    return fail(400, "unsupported_response_type", `Unsupported response_type: '${responseType}'`);
  }
  const scopeParameter = get("scope");
  if (scopeParameter === null) return missing("scope");
  const scopes = splitScopes(scopeParameter);
  const invalid = scopes.filter((scope) => !isKnownScope(scope));
  if (invalid.length > 0) {
    const valid = scopes.filter(isKnownScope);
    return fail(
      400,
      "invalid_scope",
      `Some requested scopes were invalid. {valid=[${valid.join(", ")}], invalid=[${invalid.join(", ")}]}`,
    );
  }

  const codeChallenge = get("code_challenge");
  const method = get("code_challenge_method");
  if (method !== null && method !== "S256" && method !== "plain") {
    return fail(
      400,
      "invalid_request",
      `Invalid parameter value for code_challenge_method: '${method}' is not a valid CodeChallengeMethod`,
    );
  }
  if (method !== null && codeChallenge === null) return missing("code_challenge");
  if (codeChallenge !== null && !PKCE_VALUE.test(codeChallenge)) {
    return fail(400, "invalid_request", "Invalid parameter value for code_challenge.");
  }

  const accessType = get("access_type") ?? "online";
  if (accessType !== "online" && accessType !== "offline") return invalidValue("access_type", accessType);
  const prompt = splitScopes(get("prompt") ?? "");
  const badPrompt = prompt.find((value) => !PROMPTS.has(value));
  if (badPrompt !== undefined || (prompt.includes("none") && prompt.length > 1)) {
    return invalidValue("prompt", get("prompt") ?? "");
  }

  return {
    ok: true,
    request: {
      clientId,
      redirectUri,
      scopes,
      state: params.get("state"),
      codeChallenge,
      // RFC 7636 §4.3: a challenge without a method is "plain".
      codeChallengeMethod: codeChallenge === null ? null : method === "S256" ? "S256" : "plain",
      accessType,
      prompt,
      includeGrantedScopes: get("include_granted_scopes") === "true",
      loginHint: get("login_hint"),
      nonce: get("nonce"),
    },
  };
}
