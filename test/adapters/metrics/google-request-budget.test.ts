import { describe, expect, test } from "bun:test";
import type { GoogleCall } from "../../../src/adapters/google/google-call-observer.ts";
import { MemoryLogger } from "../../../src/adapters/logging/logger.ts";
import { GoogleRequestBudget } from "../../../src/adapters/metrics/google-request-budget.ts";
import { ServerMetrics } from "../../../src/adapters/metrics/server-metrics.ts";

const calendarCall = (operation: string, backend?: "rest" | "mcp"): GoogleCall => ({
  api: "calendar",
  outcome: "ok",
  durationMs: 5,
  operation,
  ...(backend === undefined ? {} : { backend }),
});

describe("GoogleRequestBudget", () => {
  test("warns once per UTC day when the day's Calendar requests pass the share", () => {
    let now = new Date("2026-12-04T23:59:00Z");
    const logger = new MemoryLogger();
    const budget = new GoogleRequestBudget({ dailyBudget: 10, warnRatio: 0.8, logger, now: () => now });
    for (let i = 0; i < 7; i += 1) budget.onGoogleCall(calendarCall("list_events"));
    // OAuth calls are not Calendar requests.
    budget.onGoogleCall({ api: "oauth_token", outcome: "ok", durationMs: 1 });
    expect(logger.lines).toHaveLength(0);
    budget.onGoogleCall(calendarCall("list_events"));
    budget.onGoogleCall(calendarCall("list_events"));
    expect(logger.lines).toHaveLength(1);
    expect(JSON.parse(String(logger.lines[0]))).toMatchObject({
      level: "warn",
      event: "google_request_budget",
      day: "2026-12-04",
      requests: 8,
      budget: 10,
    });
    now = new Date("2026-12-05T00:01:00Z");
    expect(budget.today()).toBe(0);
    for (let i = 0; i < 8; i += 1) budget.onGoogleCall(calendarCall("get_event"));
    expect(logger.lines).toHaveLength(2);
  });

  test("without a budget nothing is logged", () => {
    const logger = new MemoryLogger();
    const budget = new GoogleRequestBudget({ dailyBudget: null, warnRatio: 0.8, logger });
    for (let i = 0; i < 100; i += 1) budget.onGoogleCall(calendarCall("list_events"));
    expect(logger.lines).toHaveLength(0);
    expect(budget.today()).toBe(100);
  });
});

describe("ServerMetrics: Google requests per backend and operation", () => {
  test("Calendar calls are counted by backend (REST by default) and operation", () => {
    const metrics = new ServerMetrics();
    metrics.onGoogleCall(calendarCall("events.list"));
    metrics.onGoogleCall(calendarCall("list_events", "mcp"));
    metrics.onGoogleCall(calendarCall("list_events", "mcp"));
    metrics.onGoogleCall({ api: "oauth_token", outcome: "ok", durationMs: 1 });
    const text = metrics.render();
    expect(text).toContain('mcp_calendar_google_requests_total{backend="rest",operation="events.list"} 1');
    expect(text).toContain('mcp_calendar_google_requests_total{backend="mcp",operation="list_events"} 2');
    expect(text).not.toContain('operation="unknown"');
  });
});
