import type { RefreshOutcome } from "../../domain/services/refresh-token.ts";
import type { GoogleCall } from "../google/google-call-observer.ts";
import type { ObservedRequest } from "../http/route-observer.ts";
import type { OutboxStats } from "../webhooks/webhook-outbox.ts";
import { PrometheusRegistry } from "./prometheus-registry.ts";

/** Seconds: a token exchange takes ~100 ms, a slow Calendar call a few seconds, a timeout 10. */
const GOOGLE_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const TOOL_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const REFRESH_OUTCOMES: RefreshOutcome[] = ["refreshed", "reauthorization_required", "failed"];

/**
 * The server's metrics, fed by the hooks the adapters and services offer. Every label takes
 * values from a small fixed set (route patterns, tool names, error codes, API names): never a
 * customer id, an email or a token.
 */
export class ServerMetrics {
  readonly #registry = new PrometheusRegistry();
  readonly #requests = this.#registry.counter({
    name: "mcp_calendar_http_requests_total",
    help: "HTTP requests answered, by method, matched route pattern and status code.",
    labelNames: ["method", "route", "status"],
  });
  readonly #toolCalls = this.#registry.counter({
    name: "mcp_calendar_tool_calls_total",
    help: 'MCP tool calls, by tool and outcome ("ok" or the error code).',
    labelNames: ["tool", "outcome"],
  });
  readonly #toolDuration = this.#registry.histogram({
    name: "mcp_calendar_tool_call_duration_seconds",
    help: "Time to answer an MCP tool call, by tool.",
    labelNames: ["tool"],
    buckets: TOOL_BUCKETS,
  });
  readonly #refreshes = this.#registry.counter({
    name: "mcp_calendar_token_refreshes_total",
    help: "Access token refreshes, by outcome.",
    labelNames: ["outcome"],
  });
  readonly #googleRequests = this.#registry.counter({
    name: "mcp_calendar_google_requests_total",
    help: 'Requests to Google Calendar, by backend ("rest" or "mcp") and API method or MCP tool; retries of the MCP backend count each.',
    labelNames: ["backend", "operation"],
  });
  readonly #google = this.#registry.histogram({
    name: "mcp_calendar_google_request_duration_seconds",
    help: "Time spent per call to Google (retries included), by API and outcome.",
    labelNames: ["api", "outcome"],
    buckets: GOOGLE_BUCKETS,
  });

  readonly #webhookDeliveries = this.#registry.counter({
    name: "mcp_calendar_webhook_deliveries_total",
    help: 'Webhook delivery attempts, by type and outcome ("delivered", "retrying", "dead").',
    labelNames: ["type", "outcome"],
  });
  readonly #outboxDepth = this.#registry.gauge({
    name: "mcp_calendar_webhook_outbox_depth",
    help: "Webhooks in the outbox, by status (pending: not yet delivered; dead: given up).",
    labelNames: ["status"],
  });
  readonly #oldestPending = this.#registry.gauge({
    name: "mcp_calendar_webhook_oldest_pending_age_seconds",
    help: "Age of the oldest webhook not yet delivered (0 when none).",
    labelNames: [],
  });

  constructor() {
    // Known outcomes start at zero, so rate() and alerts work before the first refresh.
    for (const outcome of REFRESH_OUTCOMES) this.#refreshes.inc({ outcome }, 0);
  }

  // Arrow properties: handed around as bare callbacks.
  readonly onRequest = (request: ObservedRequest): void => {
    this.#requests.inc({ method: request.method, route: request.route, status: String(request.status) });
  };

  readonly onToolCall = (tool: string, outcome: string, durationMs: number): void => {
    this.#toolCalls.inc({ tool, outcome });
    this.#toolDuration.observe({ tool }, durationMs / 1000);
  };

  readonly onRefresh = (outcome: RefreshOutcome): void => {
    this.#refreshes.inc({ outcome });
  };

  readonly onGoogleCall = (call: GoogleCall): void => {
    this.#google.observe({ api: call.api, outcome: call.outcome }, call.durationMs / 1000);
    if (call.api === "calendar") {
      this.#googleRequests.inc({ backend: call.backend ?? "rest", operation: call.operation ?? "unknown" });
    }
  };

  readonly onWebhookAttempt = (type: string, outcome: string): void => {
    this.#webhookDeliveries.inc({ type, outcome });
  };

  readonly onOutboxStats = (stats: OutboxStats, now: Date): void => {
    this.#outboxDepth.set({ status: "pending" }, stats.pending);
    this.#outboxDepth.set({ status: "dead" }, stats.dead);
    const oldest = stats.oldestPendingAt;
    this.#oldestPending.set({}, oldest === null ? 0 : Math.max(0, (now.getTime() - oldest.getTime()) / 1000));
  };

  /** The text exposition format. */
  render(): string {
    return this.#registry.render();
  }
}
