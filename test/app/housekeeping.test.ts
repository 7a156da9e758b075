import { describe, expect, test } from "bun:test";
import { MemoryLogger } from "../../src/adapters/logging/logger.ts";
import { startHousekeeping } from "../../src/app/housekeeping.ts";
import { DomainError } from "../../src/domain/errors.ts";
import { IDEMPOTENCY_RETENTION_MS } from "../../src/domain/ports/idempotency-records.ts";
import { FixedClock } from "../fakes/fixed-clock.ts";

type Line = { level: string; event: string; fields: Record<string, unknown> };

/** The lines a MemoryLogger wrote (JSON, through the logger's redaction), each split into its parts. */
function linesOf(logger: MemoryLogger): Line[] {
  return logger.lines.map((text) => {
    const { time: _time, level, event, ...fields } = JSON.parse(text) as Record<string, unknown>;
    return { level: String(level), event: String(event), fields };
  });
}

/** Ticks every 5 ms, so a test sees a few sweeps within tens of milliseconds. */
const FAST = { everyMs: 5, idempotencyEveryMs: 5 };

describe("background housekeeping", () => {
  test("each sweep runs on its tick with the clock's time; the idempotency cutoff is the retention ago", async () => {
    const clock = new FixedClock("2026-03-01T12:00:00Z");
    const logger = new MemoryLogger();
    const seen = { pending: [] as Date[], cutoffs: [] as Date[], held: [] as Date[] };
    const stop = startHousekeeping(
      {
        pendingAuthorizations: { purgeExpired: async (now) => seen.pending.push(now) && 0 },
        idempotency: { purgeOlderThan: async (cutoff) => seen.cutoffs.push(cutoff) && 3 },
        heldConnections: { sweep: async (now) => seen.held.push(now) && 2 },
      },
      { clock, logger, ...FAST },
    );
    await Bun.sleep(40);
    stop();
    expect(seen.pending.length).toBeGreaterThan(0);
    expect(seen.held.length).toBeGreaterThan(0);
    expect(seen.cutoffs.length).toBeGreaterThan(0);
    expect(seen.pending[0]?.toISOString()).toBe("2026-03-01T12:00:00.000Z");
    expect(seen.cutoffs[0]?.getTime()).toBe(clock.now().getTime() - IDEMPOTENCY_RETENTION_MS);
    // Held connections discarded are worth a line; nothing failed, so nothing else is logged.
    const lines = linesOf(logger);
    expect(lines.every((line) => line.event === "held_connections_discarded")).toBe(true);
    expect(lines[0]?.fields).toEqual({ count: 2 });
  });

  test("a sweep that fails is logged with its job and error code (never the message) and tried again", async () => {
    const logger = new MemoryLogger();
    let attempts = 0;
    const stop = startHousekeeping(
      {
        pendingAuthorizations: {
          purgeExpired: async () => {
            attempts += 1;
            throw new DomainError("storage_unavailable", "db at postgres://user:hunter2@db is down");
          },
        },
        idempotency: {
          purgeOlderThan: async () => {
            throw new TypeError("boom");
          },
        },
      },
      { clock: new FixedClock(), logger, ...FAST },
    );
    await Bun.sleep(40);
    stop();
    expect(attempts).toBeGreaterThan(1);
    const failures = linesOf(logger).filter((line) => line.event === "housekeeping_failed");
    expect(failures.every((line) => line.level === "warn")).toBe(true);
    expect(failures.map((line) => line.fields)).toContainEqual({
      job: "pending_authorizations",
      error: "storage_unavailable",
    });
    expect(failures.map((line) => line.fields)).toContainEqual({
      job: "idempotency_records",
      error: "internal",
    });
    expect(logger.lines.join("\n")).not.toContain("hunter2");
  });

  test("stopped, nothing runs any more", async () => {
    let sweeps = 0;
    const stop = startHousekeeping(
      {
        pendingAuthorizations: { purgeExpired: async () => (sweeps += 1) },
        idempotency: { purgeOlderThan: async () => 0 },
      },
      { clock: new FixedClock(), logger: new MemoryLogger(), ...FAST },
    );
    stop();
    await Bun.sleep(30);
    expect(sweeps).toBe(0);
  });
});
