import { describe, expect, test } from "bun:test";
import type { DomainError } from "../../src/domain/errors.ts";
import { at, CUSTOMER, calendarWorld, rejection } from "./calendar-fixtures.ts";

// The world's clock: 2026-01-15T10:00:00Z, a Thursday, 11:00 in Madrid.
describe("a start in the past", () => {
  test("create is refused with now in the calendar's zone, and nothing is asked of Google but the zone", async () => {
    const { book, calendar } = await calendarWorld();
    const error = (await rejection(
      book.execute(CUSTOMER, {
        summary: "Haircut",
        start: at("2025-03-10T15:00:00+01:00"),
        end: at("2025-03-10T16:00:00+01:00"),
      }),
    )) as DomainError;
    expect(error.code).toBe("invalid_argument");
    expect(error.details.field).toBe("start");
    expect(error.message).toStartWith(
      "start 2025-03-10 15:00 is in the past: it is now Thursday 2026-01-15 11:00 in Europe/Madrid",
    );
    expect(error.message).toContain("allowPast");
    expect(calendar.callCount("getTimeZone")).toBe(1);
    expect(calendar.storedEvents()).toHaveLength(0);
  });

  test("allowPast books it; a future start costs no extra request; today's all-day event is fine", async () => {
    const { book, calendar } = await calendarWorld();
    const past = { start: at("2025-03-10T15:00:00+01:00"), end: at("2025-03-10T16:00:00+01:00") };
    expect((await book.execute(CUSTOMER, { summary: "Log", ...past, allowPast: true })).kind).toBe("created");
    const before = calendar.callCount();
    await book.execute(CUSTOMER, {
      summary: "Next",
      start: at("2026-01-15T12:00:00+01:00"),
      end: at("2026-01-15T13:00:00+01:00"),
    });
    expect(calendar.callCount() - before).toBe(2);
    const today = await book.execute(CUSTOMER, {
      summary: "Holiday",
      start: at("2026-01-15"),
      end: at("2026-01-16"),
      allowConflicts: true,
    });
    expect(today.kind).toBe("created");
    const error = (await rejection(
      book.execute(CUSTOMER, { summary: "Yesterday", start: at("2026-01-14"), end: at("2026-01-15") }),
    )) as DomainError;
    expect(error.message).toStartWith("start 2026-01-14 is in the past");
  });

  test("moving to a past start is refused unless allowPast; a new end alone is not checked", async () => {
    const { book, update } = await calendarWorld();
    const booked = await book.execute(CUSTOMER, {
      summary: "Call",
      start: at("2026-01-20T10:00:00+01:00"),
      end: at("2026-01-20T11:00:00+01:00"),
    });
    const error = (await rejection(
      update.execute(CUSTOMER, { eventId: booked.event.id, start: at("2026-01-10T10:00") }),
    )) as DomainError;
    expect(error.code).toBe("invalid_argument");
    expect(error.message).toContain("it is now Thursday 2026-01-15 11:00 in Europe/Madrid");
    const moved = await update.execute(CUSTOMER, {
      eventId: booked.event.id,
      start: at("2026-01-10T10:00"),
      allowPast: true,
    });
    expect(moved.start).toMatchObject({ dateTime: "2026-01-10T10:00:00+01:00" });
    const stretched = await update.execute(CUSTOMER, {
      eventId: booked.event.id,
      end: at("2026-01-10T12:00"),
    });
    expect(stretched.end).toMatchObject({ dateTime: "2026-01-10T12:00:00+01:00" });
  });
});
