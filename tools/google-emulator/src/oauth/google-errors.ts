/**
 * Error bodies of Google's OAuth endpoints (oauth2.googleapis.com/token and /revoke), with the
 * exact `error` / `error_description` pairs Google sends, so clients' error mapping is tested
 * against the real strings.
 */

/** Headers Google sends on every token-endpoint answer; tokens must never be cached. */
export const TOKEN_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  "Content-Type": "application/json; charset=utf-8",
  "Cache-Control": "no-cache, no-store, max-age=0, must-revalidate",
  Pragma: "no-cache",
  Expires: "Mon, 01 Jan 1990 00:00:00 GMT",
};

export interface OAuthErrorBody {
  error: string;
  error_description?: string;
}

/** A JSON error answer the way Google's token and revoke endpoints send it. */
export function oauthErrorResponse(status: number, body: OAuthErrorBody): Response {
  return Response.json(body, { status, headers: TOKEN_RESPONSE_HEADERS });
}

export const googleTokenErrors = {
  /** Unknown, expired, already used or foreign authorization code. */
  badCode: (): Response =>
    oauthErrorResponse(400, { error: "invalid_grant", error_description: "Bad Request" }),
  /** Unknown or revoked refresh token (what a user removing access produces). */
  revokedRefreshToken: (): Response =>
    oauthErrorResponse(400, {
      error: "invalid_grant",
      error_description: "Token has been expired or revoked.",
    }),
  missingVerifier: (): Response =>
    oauthErrorResponse(400, { error: "invalid_grant", error_description: "Missing code verifier." }),
  wrongVerifier: (): Response =>
    oauthErrorResponse(400, { error: "invalid_grant", error_description: "Invalid code verifier." }),
  unexpectedVerifier: (): Response =>
    oauthErrorResponse(400, {
      error: "invalid_grant",
      error_description: "code_verifier or verifier is not needed.",
    }),
  redirectUriMismatch: (): Response =>
    oauthErrorResponse(400, { error: "redirect_uri_mismatch", error_description: "Bad Request" }),
  missingParameter: (name: string): Response =>
    oauthErrorResponse(400, {
      error: "invalid_request",
      error_description: `Missing required parameter: ${name}`,
    }),
  noClientId: (): Response =>
    oauthErrorResponse(400, {
      error: "invalid_request",
      error_description: "Could not determine client ID from request.",
    }),
  missingSecret: (): Response =>
    oauthErrorResponse(400, { error: "invalid_request", error_description: "client_secret is missing." }),
  unknownClient: (): Response =>
    oauthErrorResponse(401, {
      error: "invalid_client",
      error_description: "The OAuth client was not found.",
    }),
  wrongSecret: (): Response =>
    oauthErrorResponse(401, { error: "invalid_client", error_description: "Unauthorized" }),
  /** A refresh token presented by a client other than the one it was issued to. */
  foreignRefreshToken: (): Response =>
    oauthErrorResponse(401, { error: "unauthorized_client", error_description: "Unauthorized" }),
  unsupportedGrantType: (grantType: string): Response =>
    oauthErrorResponse(400, {
      error: "unsupported_grant_type",
      error_description: `Invalid grant_type: ${grantType}`,
    }),
  invalidScope: (valid: readonly string[], invalid: readonly string[]): Response =>
    oauthErrorResponse(400, {
      error: "invalid_scope",
      error_description: `Some requested scopes were invalid. {valid=[${valid.join(", ")}], invalid=[${invalid.join(", ")}]}`,
    }),
};

export const googleRevokeErrors = {
  unknownToken: (): Response =>
    oauthErrorResponse(400, { error: "invalid_token", error_description: "Token expired or revoked" }),
  missingToken: (): Response =>
    oauthErrorResponse(400, {
      error: "invalid_request",
      error_description: "Missing required parameter: token",
    }),
};

const STATUS_TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  429: "Too Many Requests",
  503: "Service Unavailable",
};

/**
 * Google's front end answers gateway failures (502/503/504) with its own small HTML page, while
 * the OAuth backend itself reports `{"error": "internal_failure"}` with a 500.
 */
export function googleErrorPage(status: number): string {
  const title = STATUS_TITLES[status] ?? (status >= 500 ? "Server Error" : "Error");
  const detail =
    status >= 500
      ? "The server encountered a temporary error and could not complete your request.<p>Please try again in 30 seconds."
      : "Your client has issued a malformed or illegal request.";
  return [
    "<!DOCTYPE html>",
    `<html lang=en><meta charset=utf-8><title>Error ${status} (${title})!!1</title>`,
    `<p><b>${status}.</b> <ins>That’s an error.</ins>`,
    `<p>${detail} <ins>That’s all we know.</ins>`,
  ].join("\n");
}

/** The body a fault rule gets when it names a status but no body, per endpoint family. */
export function defaultFaultResponse(
  status: number,
  kind: "json" | "html",
): { body: string; contentType: string } {
  if (kind === "html" || status > 500) {
    return { body: googleErrorPage(status), contentType: "text/html; charset=UTF-8" };
  }
  const body: OAuthErrorBody =
    status === 500
      ? { error: "internal_failure" }
      : status === 401
        ? { error: "invalid_client", error_description: "Unauthorized" }
        : status === 429
          ? { error: "rate_limit_exceeded", error_description: "Rate Limit Exceeded" }
          : { error: "invalid_request", error_description: "Bad Request" };
  return { body: JSON.stringify(body), contentType: "application/json; charset=utf-8" };
}
