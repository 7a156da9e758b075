/**
 * Who calls `tools/call`: the bearer token (issued by the emulator's `/token`) is checked at the
 * HTTP layer, as Google's MCP hosts do (reference §6): none, unknown, expired or revoked → 401
 * with `WWW-Authenticate` naming the protected-resource metadata. A token of an OAuth client not
 * created as "for an AI-powered agent" is refused with 403; Google's exact answer is unknown,
 * so the body is our guess in the front end's usual error shape.
 */

import type { EmulatorState, IssuedAccessToken } from "../emulator-state.ts";

const JSON_TYPE = "application/json; charset=UTF-8";

export function resourceMetadataUrl(origin: string, endpoint: string): string {
  return `${origin}/.well-known/oauth-protected-resource${endpoint}`;
}

function unauthorized(origin: string, endpoint: string, invalid: boolean): Response {
  const metadata = `resource_metadata="${resourceMetadataUrl(origin, endpoint)}"`;
  const challenge = invalid ? `Bearer error="invalid_token", ${metadata}` : `Bearer ${metadata}`;
  const message = invalid
    ? "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential."
    : "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.";
  const body = { error: { code: 401, message, status: "UNAUTHENTICATED" } };
  return new Response(JSON.stringify(body), {
    status: 401,
    headers: { "Content-Type": JSON_TYPE, "WWW-Authenticate": challenge },
  });
}

function notAgentic(clientId: string): Response {
  const body = {
    error: {
      code: 403,
      message:
        'The OAuth client is not enabled for AI agents. Calendar MCP requests must come from an OAuth client created with "Use this client for an AI-powered agent".',
      status: "PERMISSION_DENIED",
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "OAUTH_CLIENT_NOT_AGENTIC",
          domain: "googleapis.com",
          metadata: { service: "calendarmcp.googleapis.com", consumer: clientId },
        },
      ],
    },
  };
  return new Response(JSON.stringify(body), { status: 403, headers: { "Content-Type": JSON_TYPE } });
}

export type McpAuth = { ok: true; token: IssuedAccessToken } | { ok: false; response: Response };

export function authenticateMcp(
  state: EmulatorState,
  authorization: string | undefined,
  origin: string,
  endpoint: string,
): McpAuth {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization?.trim() ?? "")?.[1];
  if (presented === undefined)
    return {
      ok: false,
      response: unauthorized(origin, endpoint, authorization !== undefined && authorization.trim() !== ""),
    };
  const token = state.accessTokens.get(presented);
  if (token === undefined || token.expiresAt <= Date.now()) {
    return { ok: false, response: unauthorized(origin, endpoint, true) };
  }
  if (state.clients.get(token.clientId)?.agentic === false) {
    return { ok: false, response: notAgentic(token.clientId) };
  }
  return { ok: true, token };
}
