import type { Context, MiddlewareHandler } from "hono";
import { routePath } from "hono/route";

/** One answered request, as metrics see it: never the raw path, which can hold a customer id. */
export interface ObservedRequest {
  method: string;
  /** The matched route pattern (`/oauth/status/:customer_id`), or "unmatched". */
  route: string;
  status: number;
}

const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * Tells `onRequest` about every answered request. Register it first, so it sees the final
 * status, errors mapped by `onError` included.
 */
export function routeObserver(onRequest: (request: ObservedRequest) => void): MiddlewareHandler {
  return async function routeObserverMiddleware(c, next) {
    await next();
    onRequest({
      // Anyone can send any method: keep the label's values to a known few.
      method: KNOWN_METHODS.has(c.req.method) ? c.req.method : "OTHER",
      route: routeOf(c),
      status: c.res.status,
    });
  };
}

/**
 * After `next()`, Hono's route index points at the handler (or middleware) that answered. When
 * only app-wide middleware ran (`/*`), no route matched.
 */
function routeOf(c: Context): string {
  const route = routePath(c);
  return route === "" || route === "/*" || route === "*" ? "unmatched" : route;
}
