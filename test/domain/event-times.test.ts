import { describe, expect, test } from "bun:test";
import { sha256 } from "../../src/adapters/system/sha256.ts";
import { DomainError } from "../../src/domain/errors.ts";
import { idempotentEventId } from "../../src/domain/event-id.ts";
import { parseEventSpan, parseInstant, parseTimeInput } from "../../src/domain/event-times.ts";
import { canonicalTimeZone, formatInstant } from "../../src/domain/zoned-time.ts";
import { customer } from "./connection-fixtures.ts";

function invalidField(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("invalid_argument");
    return String((error as DomainError).details.field);
  }
  throw new Error("expected invalid_argument");
}

describe("parsing times", () => {
  test("RFC 3339 with an offset or Z is an instant on its own", () => {
    expect(parseInstant("time_min", "2026-03-10T15:00:00+01:00", undefined).toISOString()).toBe(
      "2026-03-10T14:00:00.000Z",
    );
    expect(parseInstant("time_min", "2026-03-10T15:00:00.250Z", undefined).toISOString()).toBe(
      "2026-03-10T15:00:00.250Z",
    );
  });

  test("a local time is read in the zone, with the offset in force that day", () => {
    // Madrid is UTC+1 in winter and UTC+2 in summer.
    expect(parseInstant("start", "2026-03-10T15:00", "Europe/Madrid").toISOString()).toBe(
      "2026-03-10T14:00:00.000Z",
    );
    expect(parseInstant("start", "2026-07-10T15:00:30", "Europe/Madrid").toISOString()).toBe(
      "2026-07-10T13:00:30.000Z",
    );
    expect(parseInstant("start", "2026-03-10T15:00", "America/New_York").toISOString()).toBe(
      "2026-03-10T19:00:00.000Z",
    );
  });

  test("a local time the clocks skip (spring forward) is refused, naming the field", () => {
    expect(invalidField(() => parseInstant("start", "2026-03-29T02:30", "Europe/Madrid"))).toBe("start");
  });

  test("a local time that happens twice (fall back) means the first one", () => {
    expect(parseInstant("start", "2026-10-25T02:30", "Europe/Madrid").toISOString()).toBe(
      "2026-10-25T00:30:00.000Z",
    );
  });

  test("a local time without a zone, an unknown zone, or an impossible date is refused", () => {
    expect(invalidField(() => parseInstant("time_max", "2026-03-10T15:00", undefined))).toBe("time_max");
    expect(invalidField(() => canonicalTimeZone("Mars/Olympus_Mons"))).toBe("timeZone");
    expect(invalidField(() => canonicalTimeZone("+01:00"))).toBe("timeZone");
    expect(invalidField(() => parseTimeInput("start", "2026-02-30T10:00:00Z"))).toBe("start");
    expect(invalidField(() => parseTimeInput("end", "next tuesday"))).toBe("end");
    expect(canonicalTimeZone("europe/madrid")).toBe("Europe/Madrid");
  });

  test("a date is midnight in the zone", () => {
    expect(parseInstant("time_min", "2026-03-10", "Asia/Tokyo").toISOString()).toBe(
      "2026-03-09T15:00:00.000Z",
    );
  });

  test("formatting an instant in a zone uses that day's offset", () => {
    const instant = new Date("2026-03-30T07:00:00Z");
    expect(formatInstant(instant, "Europe/Madrid")).toBe("2026-03-30T09:00:00+02:00");
    expect(formatInstant(instant, "Asia/Kathmandu")).toBe("2026-03-30T12:45:00+05:45");
    expect(formatInstant(instant)).toBe("2026-03-30T07:00:00Z");
  });
});

describe("event spans", () => {
  const span = (start: string, end: string, zone?: string) =>
    parseEventSpan(parseTimeInput("start", start), parseTimeInput("end", end), zone);

  test("timed with a zone: dateTime in the zone's offset, and the zone recorded", () => {
    const result = span("2026-03-10T15:00", "2026-03-10T16:00", "Europe/Madrid");
    expect(result.start).toEqual({ dateTime: "2026-03-10T15:00:00+01:00", timeZone: "Europe/Madrid" });
    expect(result.interval.end.toISOString()).toBe("2026-03-10T15:00:00.000Z");
    expect(result.allDay).toBe(false);
  });

  test("timed without a zone keeps the caller's offset", () => {
    const result = span("2026-03-10T15:00:00-05:00", "2026-03-10T16:30:00-05:00");
    expect(result.start).toEqual({ dateTime: "2026-03-10T15:00:00-05:00" });
    expect(result.end).toEqual({ dateTime: "2026-03-10T16:30:00-05:00" });
  });

  test("all-day: dates, end exclusive, read as whole days in the zone", () => {
    const result = span("2026-03-10", "2026-03-12", "Europe/Madrid");
    expect(result).toMatchObject({
      allDay: true,
      start: { date: "2026-03-10" },
      end: { date: "2026-03-12" },
    });
    expect(result.interval.start.toISOString()).toBe("2026-03-09T23:00:00.000Z");
    expect(result.interval.end.toISOString()).toBe("2026-03-11T23:00:00.000Z");
    expect(invalidField(() => span("2026-03-10", "2026-03-10", "UTC"))).toBe("end");
  });

  test("end must be after start, and both must be of one kind", () => {
    expect(invalidField(() => span("2026-03-10T15:00:00Z", "2026-03-10T15:00:00Z"))).toBe("end");
    expect(invalidField(() => span("2026-03-10T16:00:00Z", "2026-03-10T15:00:00Z"))).toBe("end");
    expect(invalidField(() => span("2026-03-10", "2026-03-10T15:00:00Z", "UTC"))).toBe("end");
  });
});

describe("idempotent event ids", () => {
  test("same customer and key give the same base32hex id; anything else differs", () => {
    const id = idempotentEventId(sha256, customer("alice"), "order-42");
    expect(id).toMatch(/^[a-v0-9]{52}$/);
    expect(idempotentEventId(sha256, customer("alice"), "order-42")).toBe(id);
    expect(idempotentEventId(sha256, customer("bob"), "order-42")).not.toBe(id);
    expect(idempotentEventId(sha256, customer("alice"), "order-43")).not.toBe(id);
  });

  test("the id is the one Web Crypto's SHA-256 gives: events booked before the native hash keep their ids", async () => {
    for (const [who, key] of [
      ["alice", "order-42"],
      ["user-123", "réservation-été-☀"],
      ["bob", "x".repeat(255)],
    ] as const) {
      const bytes = new TextEncoder().encode(`${who}\u0000${key}`);
      const expected = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
      expect(sha256(`${who}\u0000${key}`)).toEqual(expected);
      expect(idempotentEventId(sha256, customer(who), key)).toBe(
        idempotentEventId((_) => expected, customer(who), key),
      );
    }
  });
});
