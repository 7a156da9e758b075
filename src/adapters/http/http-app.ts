import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "../logging/logger.ts";
import type { AppEnv } from "../shared/app-env.ts";
import type { RateLimiter } from "../shared/rate-limiter.ts";
import { apiKeyAuth } from "./api-key-auth.ts";
import { describeError, HttpError } from "./http-errors.ts";
import { type OAuthRouteDeps, oauthApiRoutes, oauthCallbackRoute } from "./oauth-routes.ts";
import { peerAddress, rateLimit } from "./rate-limit.ts";
import { requestLog } from "./request-log.ts";
import { type ObservedRequest, routeObserver } from "./route-observer.ts";
import { securityHeaders } from "./security-headers.ts";

export interface HealthReport {
  ok: boolean;
  checks: Record<string, "ok" | string>;
}

export interface HttpAppDeps extends OAuthRouteDeps {
  apiKeys: string[];
  maxBodyBytes: number;
  logger: Logger;
  health: () => Promise<HealthReport>;
  /** Extra apps mounted behind the API key, by path (the MCP endpoint, metrics). */
  protectedApps?: Record<string, Hono<AppEnv>>;
  /** Extra public apps, by path (the OpenAPI document). */
  publicApps?: Record<string, Hono<AppEnv>>;
  /** Hears of every answered request, by route pattern (metrics). */
  onRequest?: (request: ObservedRequest) => void;
  /**
   * Budget for /oauth/*: per API key behind the key, per client address for the public
   * callback (each gets its own bucket in the one limiter).
   */
  oauthLimiter?: RateLimiter;
}

/** The HTTP surface: OAuth endpoints, health, and whatever the composition root mounts. */
export function createHttpApp(deps: HttpAppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  if (deps.onRequest !== undefined) app.use(routeObserver(deps.onRequest));
  app.use(requestLog(deps.logger), securityHeaders());
  app.use(
    bodyLimit({
      maxSize: deps.maxBodyBytes,
      onError: () => {
        throw new HttpError(
          413,
          "payload_too_large",
          `Request bodies are limited to ${deps.maxBodyBytes} bytes`,
        );
      },
    }),
  );

  app.get("/healthz", async (c) => {
    const report = await deps.health();
    return c.json({ status: report.ok ? "ok" : "degraded", checks: report.checks }, report.ok ? 200 : 503);
  });
  const oauthLimiter = deps.oauthLimiter;
  if (oauthLimiter !== undefined) {
    app.use(
      "/oauth/callback",
      rateLimit(oauthLimiter, (c) => `callback:${peerAddress(c)}`),
    );
  }
  app.route("/oauth", oauthCallbackRoute(deps));
  for (const [path, sub] of Object.entries(deps.publicApps ?? {})) app.route(path, sub);

  // Registered after the public callback, so the callback answers before this runs.
  const requireKey = apiKeyAuth<AppEnv>(deps.apiKeys);
  app.use("/oauth/*", requireKey);
  if (oauthLimiter !== undefined) {
    app.use(
      "/oauth/*",
      rateLimit(oauthLimiter, (c) => `key:${c.get("apiKeyId")}`),
    );
  }
  app.route("/oauth", oauthApiRoutes(deps));
  for (const [path, sub] of Object.entries(deps.protectedApps ?? {})) {
    // Hono's "/x/*" matches "/x" itself too: there the key was checked already (once, and a
    // refusal keeps "/x" as its route in metrics); below "/x" it is checked here.
    app.use(path, requireKey);
    app.use(`${path}/*`, (c, next) => (c.get("apiKeyId") === undefined ? requireKey(c, next) : next()));
    app.route(path, sub);
  }

  app.notFound((c) =>
    c.json({ error: { code: "not_found", message: `No route for ${c.req.method} ${c.req.path}` } }, 404),
  );
  app.onError((error, c) => {
    if (clientWentAway(error, c.req.raw)) {
      // Nobody will read this answer, and it is not our fault: no 500, no error line (the
      // request log still records it, with this status).
      return c.json(
        {
          error: {
            code: "client_closed_request",
            message: "The client went away before sending the whole request",
          },
        },
        CLIENT_CLOSED_REQUEST,
      );
    }
    const { status, body } = describeError(error);
    if (status >= 500)
      deps.logger.log("error", "request_failed", { error_code: body.error.code, kind: kindOf(error) });
    if (error instanceof HttpError)
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    return c.json(body, status);
  });
  return app;
}

/** nginx's status for a request its client abandoned; never seen by that client. */
const CLIENT_CLOSED_REQUEST = 499 as ContentfulStatusCode;

/** Reading the body failed because the client disconnected (a slow or abandoned upload). */
function clientWentAway(error: unknown, request: Request): boolean {
  return request.signal.aborted || (error instanceof Error && error.name === "AbortError");
}

/** The error's class name only: messages could quote a vendor's response. */
function kindOf(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
