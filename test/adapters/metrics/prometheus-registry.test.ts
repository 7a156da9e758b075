import { describe, expect, test } from "bun:test";
import { escapeLabelValue, PrometheusRegistry } from "../../../src/adapters/metrics/prometheus-registry.ts";

describe("PrometheusRegistry text rendering", () => {
  test("a labelled counter: HELP, TYPE, one line per series in a stable order", () => {
    const registry = new PrometheusRegistry();
    const calls = registry.counter({
      name: "tool_calls_total",
      help: "Tool calls.",
      labelNames: ["tool", "outcome"],
    });
    calls.inc({ tool: "list_events", outcome: "ok" });
    calls.inc({ tool: "list_events", outcome: "ok" }, 2);
    calls.inc({ outcome: "not_found", tool: "get_event" });
    calls.inc({ tool: "create_booking", outcome: "ok" }, 0);

    expect(registry.render()).toBe(
      [
        "# HELP tool_calls_total Tool calls.",
        "# TYPE tool_calls_total counter",
        'tool_calls_total{tool="create_booking",outcome="ok"} 0',
        'tool_calls_total{tool="get_event",outcome="not_found"} 1',
        'tool_calls_total{tool="list_events",outcome="ok"} 3',
        "",
      ].join("\n"),
    );
    expect(calls.value({ tool: "list_events", outcome: "ok" })).toBe(3);
  });

  test("a counter without labels, and a family with no series yet still announces itself", () => {
    const registry = new PrometheusRegistry();
    registry.counter({ name: "started_total", help: "Starts.", labelNames: [] }).inc({}, 1.5);
    registry.counter({ name: "never_total", help: "Never.", labelNames: ["kind"] });
    expect(registry.render()).toBe(
      [
        "# HELP started_total Starts.",
        "# TYPE started_total counter",
        "started_total 1.5",
        "# HELP never_total Never.",
        "# TYPE never_total counter",
        "",
      ].join("\n"),
    );
  });

  test("a histogram: cumulative buckets with +Inf, sum and count, per label set", () => {
    const registry = new PrometheusRegistry();
    const latency = registry.histogram({
      name: "google_seconds",
      help: "Latency.",
      labelNames: ["api"],
      buckets: [0.1, 0.5, 1],
    });
    for (const value of [0.05, 0.1, 0.3, 2]) latency.observe({ api: "calendar" }, value);
    latency.observe({ api: "oauth_token" }, 0.7);

    expect(registry.render()).toBe(
      [
        "# HELP google_seconds Latency.",
        "# TYPE google_seconds histogram",
        'google_seconds_bucket{api="calendar",le="0.1"} 2',
        'google_seconds_bucket{api="calendar",le="0.5"} 3',
        'google_seconds_bucket{api="calendar",le="1"} 3',
        'google_seconds_bucket{api="calendar",le="+Inf"} 4',
        'google_seconds_sum{api="calendar"} 2.45',
        'google_seconds_count{api="calendar"} 4',
        'google_seconds_bucket{api="oauth_token",le="0.1"} 0',
        'google_seconds_bucket{api="oauth_token",le="0.5"} 0',
        'google_seconds_bucket{api="oauth_token",le="1"} 1',
        'google_seconds_bucket{api="oauth_token",le="+Inf"} 1',
        'google_seconds_sum{api="oauth_token"} 0.7',
        'google_seconds_count{api="oauth_token"} 1',
        "",
      ].join("\n"),
    );
  });

  test("label values and HELP text are escaped as the exposition format says", () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    const registry = new PrometheusRegistry();
    registry
      .counter({ name: "odd_total", help: 'Back\\slash and\nnewline, "quotes" kept.', labelNames: ["v"] })
      .inc({ v: 'say "hi"\\\n' });
    const lines = registry.render().split("\n");
    expect(lines[0]).toBe('# HELP odd_total Back\\\\slash and\\nnewline, "quotes" kept.');
    expect(lines[2]).toBe('odd_total{v="say \\"hi\\"\\\\\\n"} 1');
  });

  test("label sets must be exactly the declared names: no extra label can sneak in", () => {
    const registry = new PrometheusRegistry();
    const counter = registry.counter({ name: "x_total", help: "X.", labelNames: ["route"] });
    const sneaky = { route: "/a", customer_id: "user-123" } as unknown as { route: string };
    expect(() => counter.inc(sneaky)).toThrow("x_total takes labels [route]");
    expect(() => counter.inc({} as { route: string })).toThrow();
    expect(registry.render()).not.toContain("user-123");
  });

  test("misuse fails loudly: bad names, duplicate families, decreasing counters, unsorted buckets", () => {
    const registry = new PrometheusRegistry();
    expect(() => registry.counter({ name: "bad-name", help: "", labelNames: [] })).toThrow(
      "invalid metric name",
    );
    expect(() => registry.counter({ name: "a_total", help: "", labelNames: ["le"] })).toThrow(
      "invalid label",
    );
    const counter = registry.counter({ name: "b_total", help: "", labelNames: [] });
    expect(() => registry.counter({ name: "b_total", help: "", labelNames: [] })).toThrow(
      "already registered",
    );
    expect(() => counter.inc({}, -1)).toThrow("cannot go down");
    expect(() => registry.histogram({ name: "h", help: "", labelNames: [], buckets: [1, 0.5] })).toThrow(
      "strictly ascending",
    );
  });
});
