import type { Context, MiddlewareHandler } from "hono";
import type { RateLimiter } from "../shared/rate-limiter.ts";
import { HttpError } from "./http-errors.ts";

/**
 * Spend one unit of `limiter`'s budget for the key `keyOf` names; over budget, a 429
 * `rate_limited` with Retry-After, before the handler runs.
 */
export function rateLimit(limiter: RateLimiter, keyOf: (c: Context) => string): MiddlewareHandler {
  return async function rateLimitMiddleware(c, next) {
    const decision = limiter.take(keyOf(c));
    if (!decision.allowed) {
      const seconds = decision.retryAfterSeconds;
      throw new HttpError(429, "rate_limited", `Too many requests; retry after ${seconds} seconds`, {
        "Retry-After": String(seconds),
      });
    }
    await next();
  };
}

interface PeerAware {
  requestIP?: (request: Request) => { address: string } | null;
}

/** The peer's address when Bun.serve handed its server to the app (see server.ts), else "unknown". */
export function peerAddress(c: Context): string {
  const server = c.env as PeerAware | undefined;
  if (typeof server?.requestIP !== "function") return "unknown";
  return server.requestIP(c.req.raw)?.address ?? "unknown";
}
