import { describe, expect, test } from "bun:test";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { callerOf } from "../../src/adapters/mcp/mcp-caller.ts";
import { callTool } from "../../src/adapters/mcp/tool-call.ts";
import { ConcurrencyLimiter } from "../../src/adapters/shared/concurrency-limiter.ts";
import { mcpWorld } from "../adapters/mcp/mcp-fixtures.ts";

describe("ConcurrencyLimiter", () => {
  test("runs up to maxRunning, queues up to maxWaiting in order, refuses the rest at once", async () => {
    const limiter = new ConcurrencyLimiter({ maxRunning: 2, maxWaiting: 2 });
    const first = await limiter.enter();
    const second = await limiter.enter();
    const order: string[] = [];
    const third = limiter.enter()?.then((release) => {
      order.push("third");
      return release;
    });
    const fourth = limiter.enter()?.then((release) => {
      order.push("fourth");
      return release;
    });
    expect(limiter.enter()).toBeNull();
    expect([limiter.running, limiter.waiting]).toEqual([2, 2]);
    first?.();
    // Released twice: only one slot is handed on.
    first?.();
    const thirdRelease = await third;
    expect(order).toEqual(["third"]);
    expect([limiter.running, limiter.waiting]).toEqual([2, 1]);
    second?.();
    const fourthRelease = await fourth;
    expect(order).toEqual(["third", "fourth"]);
    thirdRelease?.();
    fourthRelease?.();
    expect([limiter.running, limiter.waiting]).toEqual([0, 0]);
  });
});

describe("tool calls past the instance's bound", () => {
  test("wait their turn while the queue has room, then are rate_limited with a retry hint; never more run at once", async () => {
    const world = await mcpWorld();
    let running = 0;
    let mostRunning = 0;
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const listCalendars = world.services.listCalendars;
    const slow = Object.create(listCalendars) as typeof listCalendars;
    slow.execute = async (customerId) => {
      running += 1;
      mostRunning = Math.max(mostRunning, running);
      await gate;
      running -= 1;
      return listCalendars.execute(customerId);
    };
    const deps = {
      ...world.deps,
      services: { ...world.services, listCalendars: slow },
      workLimiter: new ConcurrencyLimiter({ maxRunning: 2, maxWaiting: 2 }),
    };
    const caller = callerOf(undefined, null, null);
    if (caller === null) throw new Error("no caller");
    const calls: Promise<CallToolResult>[] = Array.from({ length: 6 }, () =>
      callTool({ name: "list_calendars", arguments: { customer_id: "user-123" } }, deps, caller),
    );
    await Bun.sleep(20);
    open();
    const results = await Promise.all(calls);
    const outcomes = results.map((result) =>
      result.isError === true
        ? (result.structuredContent as { error: { code: string; retry_after_seconds?: number } }).error
        : "ok",
    );
    expect(outcomes.filter((outcome) => outcome === "ok")).toHaveLength(4);
    expect(outcomes.filter((outcome) => outcome !== "ok")).toEqual([
      expect.objectContaining({ code: "rate_limited", retry_after_seconds: 1 }),
      expect.objectContaining({ code: "rate_limited", retry_after_seconds: 1 }),
    ]);
    expect(mostRunning).toBe(2);
    expect([deps.workLimiter.running, deps.workLimiter.waiting]).toEqual([0, 0]);
  });
});
