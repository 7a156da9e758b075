import { Hono } from "hono";
import type { AppEnv } from "../shared/app-env.ts";
import { PROMETHEUS_CONTENT_TYPE } from "./prometheus-registry.ts";

/**
 * `GET /metrics` for Prometheus. Mount it behind the API key
 * (`protectedApps: { "/metrics": metricsApp(metrics) }`): scrape with a bearer token.
 */
export function metricsApp(metrics: { render(): string }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/", (c) => c.body(metrics.render(), 200, { "Content-Type": PROMETHEUS_CONTENT_TYPE }));
  return app;
}
