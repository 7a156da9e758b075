import { describe, expect, test } from "bun:test";
import { fixedRate } from "../../bench/load.ts";

/** Keeps the thread busy for `ms`, as a call's own work would. */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

describe("fixedRate (the open loop of bench section 1)", () => {
  test("no call is timed shorter than its own run, even when the timer lets it go early", async () => {
    const own: number[] = [];
    const result = await fixedRate(200, 60, async (index) => {
      const started = performance.now();
      spin(0.3);
      own[index] = performance.now() - started;
      return true;
    });
    expect(result.errors).toBe(0);
    expect(result.latenciesMs).toHaveLength(60);
    result.latenciesMs.forEach((latency, index) => {
      expect(latency).toBeGreaterThanOrEqual(own[index] ?? Number.POSITIVE_INFINITY);
    });
  });

  test("a call sent late because the caller was stuck counts from when it was due", async () => {
    // At 200/s call 1 is due 5 ms after call 0; call 0 holds the thread for 30 ms before it
    // yields, so call 1 leaves about 25 ms late, and that wait is part of its latency.
    const result = await fixedRate(200, 3, async (index) => {
      if (index === 0) spin(30);
      return true;
    });
    expect(result.latenciesMs[1]).toBeGreaterThanOrEqual(20);
    expect(result.maxDispatchLagMs).toBeGreaterThanOrEqual(20);
  });

  test("a failed or throwing call is an error, and still timed", async () => {
    const result = await fixedRate(500, 4, async (index) => {
      if (index === 1) throw new Error("refused");
      return index !== 2;
    });
    expect(result.errors).toBe(2);
    expect(result.completed).toBe(4);
    for (const latency of result.latenciesMs) expect(latency).toBeGreaterThanOrEqual(0);
  });
});
