import type { MiddlewareHandler } from "hono";
import type { Logger } from "../logging/logger.ts";
import { setResponseHeaders } from "./response-headers.ts";

export interface RequestLogVariables {
  requestId: string;
}

/**
 * One JSON line per request: method, path (never the query: it carries codes and states),
 * status, duration. Adds an X-Request-Id that the caller can quote.
 */
export function requestLog(logger: Logger): MiddlewareHandler<{ Variables: RequestLogVariables }> {
  return async function requestLogMiddleware(c, next) {
    const started = performance.now();
    const incoming = c.req.header("x-request-id");
    const requestId =
      incoming !== undefined && /^[\w.-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
    c.set("requestId", requestId);
    await next();
    setResponseHeaders(c, [["X-Request-Id", requestId]]);
    logger.log(c.res.status >= 500 ? "error" : "info", "http_request", {
      request_id: requestId,
      method: c.req.method,
      path: redactPath(c.req.path),
      status: c.res.status,
      duration_ms: Math.round((performance.now() - started) * 100) / 100,
    });
  };
}

/** Paths are logged, but bounded: a 10k-character id must not flood the log. */
function redactPath(path: string): string {
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}
