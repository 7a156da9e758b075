import type { MiddlewareHandler } from "hono";
import { setResponseHeaders } from "./response-headers.ts";

const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ["Cache-Control", "no-store"],
  ["Referrer-Policy", "no-referrer"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-Frame-Options", "DENY"],
  [
    "Content-Security-Policy",
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  ],
];

/**
 * Every answer may carry a state, a URL with one, or a customer's data: never cache it, never
 * leak it through Referer, never let another site frame it.
 */
export function securityHeaders(): MiddlewareHandler {
  return async function securityHeadersMiddleware(c, next) {
    await next();
    setResponseHeaders(c, SECURITY_HEADERS);
  };
}
