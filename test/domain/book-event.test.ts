import { describe, expect, test } from "bun:test";
import type { DomainError } from "../../src/domain/errors.ts";
import { ACCOUNT, CUSTOMER, calendarWorld, codeOf, rejection } from "./calendar-fixtures.ts";

const SLOT = { start: "2026-03-10T15:00:00+01:00", end: "2026-03-10T16:00:00+01:00" };

describe("BookEvent", () => {
  test("a first-time booking costs two Google calls: freeBusy and insert", async () => {
    const { book, calendar } = await calendarWorld();
    const result = await book.execute(CUSTOMER, {
      summary: "Dentist",
      ...SLOT,
      location: "Calle Mayor 1",
      attendees: [{ email: "dr@example.com" }],
    });
    expect(result).toMatchObject({
      created: true,
      status: "confirmed",
      summary: "Dentist",
      calendar_id: "primary",
      start: { dateTime: "2026-03-10T15:00:00+01:00" },
      attendees: [{ email: "dr@example.com", response_status: "needsAction" }],
    });
    expect(result.html_link).toContain("https://www.google.com/calendar/event");
    expect(calendar.callCount()).toBe(2);
    expect(calendar.callCount("freeBusy")).toBe(1);
    expect(calendar.callCount("insertEvent")).toBe(1);
    expect(calendar.storedEvents()).toHaveLength(1);
  });

  test("a local time with time_zone becomes the right instant, kept in that zone", async () => {
    const { book, calendar } = await calendarWorld();
    const result = await book.execute(CUSTOMER, {
      summary: "Call",
      start: "2026-07-01T09:30",
      end: "2026-07-01T10:00",
      time_zone: "America/New_York",
    });
    expect(result.start).toEqual({ dateTime: "2026-07-01T09:30:00-04:00", timeZone: "America/New_York" });
    expect(calendar.callCount("getTimeZone")).toBe(0);
  });

  test("a local time without time_zone is read in the calendar's zone", async () => {
    const { book, calendar } = await calendarWorld({ timeZone: "Asia/Tokyo" });
    const result = await book.execute(CUSTOMER, {
      summary: "Lunch",
      start: "2026-03-10T12:00",
      end: "2026-03-10T13:00",
    });
    expect(result.start).toEqual({ dateTime: "2026-03-10T12:00:00+09:00", timeZone: "Asia/Tokyo" });
    expect(calendar.callCount("getTimeZone")).toBe(1);
  });

  test("an all-day event is booked with dates, and conflicts with a timed event that day", async () => {
    const { book } = await calendarWorld();
    const trip = await book.execute(CUSTOMER, { summary: "Trip", start: "2026-03-10", end: "2026-03-12" });
    expect(trip).toMatchObject({ created: true, start: { date: "2026-03-10" }, end: { date: "2026-03-12" } });
    const conflict = await rejection(book.execute(CUSTOMER, { summary: "Meeting", ...SLOT }));
    expect((conflict as DomainError).code).toBe("time_conflict");
    // Like Google's freeBusy, busy time is reported clipped to the window asked about.
    expect((conflict as DomainError).details.conflicts).toEqual([
      { start: "2026-03-10T14:00:00Z", end: "2026-03-10T15:00:00Z" },
    ]);
    // The trip ends at midnight Madrid time on the 12th (exclusive end date).
    const late = { start: "2026-03-11T23:30:00+01:00", end: "2026-03-12T00:30:00+01:00" };
    expect(await codeOf(book.execute(CUSTOMER, { summary: "Late", ...late }))).toBe("time_conflict");
    const after = { start: "2026-03-12T00:00:00+01:00", end: "2026-03-12T00:30:00+01:00" };
    expect((await book.execute(CUSTOMER, { summary: "After", ...after })).created).toBe(true);
  });

  test("an overlap is a time_conflict listing the busy intervals, and nothing is inserted", async () => {
    const { book, calendar } = await calendarWorld();
    calendar.seedEvent("primary", {
      start: { dateTime: "2026-03-10T15:30:00+01:00" },
      end: { dateTime: "2026-03-10T17:00:00+01:00" },
    });
    const error = (await rejection(
      book.execute(CUSTOMER, { summary: "Clash", ...SLOT, time_zone: "Europe/Madrid" }),
    )) as DomainError;
    expect(error.code).toBe("time_conflict");
    expect(error.details.conflicts).toEqual([
      { start: "2026-03-10T15:30:00+01:00", end: "2026-03-10T16:00:00+01:00" },
    ]);
    expect(calendar.callCount("insertEvent")).toBe(0);
  });

  test("touching intervals, transparent and declined events are not conflicts", async () => {
    const { book, calendar } = await calendarWorld();
    calendar.seedEvent("primary", {
      start: { dateTime: "2026-03-10T14:00:00+01:00" },
      end: { dateTime: "2026-03-10T15:00:00+01:00" },
    });
    calendar.seedEvent("primary", { ...times(SLOT), transparency: "transparent" });
    calendar.seedEvent("primary", {
      ...times(SLOT),
      attendees: [{ email: ACCOUNT, self: true, responseStatus: "declined" }],
    });
    expect((await book.execute(CUSTOMER, { summary: "Fits", ...SLOT })).created).toBe(true);
  });

  test("allow_conflicts books over busy time without asking freeBusy", async () => {
    const { book, calendar } = await calendarWorld();
    calendar.seedEvent("primary", times(SLOT));
    const result = await book.execute(CUSTOMER, { summary: "Double", ...SLOT, allow_conflicts: true });
    expect(result.created).toBe(true);
    expect(calendar.callCount("freeBusy")).toBe(0);
  });

  test("the same idempotency_key replays the first booking: same id, created false, one event", async () => {
    const { book, calendar } = await calendarWorld();
    const first = await book.execute(CUSTOMER, { summary: "Haircut", ...SLOT, idempotency_key: "order-7" });
    calendar.resetCalls();
    const again = await book.execute(CUSTOMER, { summary: "Haircut", ...SLOT, idempotency_key: "order-7" });
    expect(first.created).toBe(true);
    expect(again).toEqual({ ...first, created: false });
    expect(first.event_id).toMatch(/^[a-v0-9]{52}$/);
    expect(calendar.storedEvents()).toHaveLength(1);
    // Its own event shows busy; one read recognises it.
    expect(calendar.callCount("freeBusy")).toBe(1);
    expect(calendar.callCount("getEvent")).toBe(1);
    expect(calendar.callCount("insertEvent")).toBe(0);
  });

  test("a replay that skips the conflict check meets Google's duplicate id and returns the event", async () => {
    const { book, calendar } = await calendarWorld();
    const first = await book.execute(CUSTOMER, { summary: "A", ...SLOT, idempotency_key: "k" });
    const again = await book.execute(CUSTOMER, {
      summary: "A",
      ...SLOT,
      idempotency_key: "k",
      allow_conflicts: true,
    });
    expect(again.event_id).toBe(first.event_id);
    expect(again.created).toBe(false);
    expect(calendar.storedEvents()).toHaveLength(1);
  });

  test("a key whose booking was cancelled is refused rather than silently reused", async () => {
    const { book, cancel } = await calendarWorld();
    const first = await book.execute(CUSTOMER, { summary: "A", ...SLOT, idempotency_key: "k" });
    await cancel.execute(CUSTOMER, { event_id: first.event_id });
    expect(await codeOf(book.execute(CUSTOMER, { summary: "A", ...SLOT, idempotency_key: "k" }))).toBe(
      "invalid_argument",
    );
  });

  test("20 concurrent bookings of one slot: exactly one is created, the rest conflict", async () => {
    const { book, calendar } = await calendarWorld();
    calendar.delayMs = 2;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, index) => book.execute(CUSTOMER, { summary: `Try ${index}`, ...SLOT })),
    );
    const created = outcomes.filter((outcome) => outcome.status === "fulfilled");
    const refused = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason] : []));
    expect(created).toHaveLength(1);
    expect(refused.map((error: DomainError) => error.code)).toEqual(Array(19).fill("time_conflict"));
    expect(calendar.storedEvents()).toHaveLength(1);
  });

  test("20 concurrent bookings with one idempotency_key: one event, one created: true", async () => {
    const { book, calendar } = await calendarWorld();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        book.execute(CUSTOMER, { summary: "Once", ...SLOT, idempotency_key: "x" }),
      ),
    );
    expect(new Set(results.map((result) => result.event_id)).size).toBe(1);
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(calendar.storedEvents()).toHaveLength(1);
  });

  test("add_meet_link answers with the Meet link", async () => {
    const { book } = await calendarWorld();
    const result = await book.execute(CUSTOMER, { summary: "Video", ...SLOT, add_meet_link: true });
    expect(result.meet_link).toMatch(/^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
  });

  test("a recurring booking gets the calendar's zone, which Google requires", async () => {
    const { book, calendar } = await calendarWorld();
    const result = await book.execute(CUSTOMER, {
      summary: "Standup",
      ...SLOT,
      recurrence: ["RRULE:FREQ=DAILY;COUNT=3"],
    });
    expect(result.start).toEqual({ dateTime: "2026-03-10T15:00:00+01:00", timeZone: "Europe/Madrid" });
    expect(calendar.storedEvents()[0]?.recurrence).toEqual(["RRULE:FREQ=DAILY;COUNT=3"]);
  });

  test("a recurring booking is checked on every occurrence: a clash on the third is a time_conflict", async () => {
    const { book, calendar } = await calendarWorld();
    calendar.seedEvent("primary", {
      start: { dateTime: "2026-03-24T15:30:00+01:00" },
      end: { dateTime: "2026-03-24T16:30:00+01:00" },
    });
    const weekly = {
      summary: "1:1",
      ...SLOT,
      time_zone: "Europe/Madrid",
      recurrence: ["RRULE:FREQ=WEEKLY;COUNT=4"],
    };
    const error = (await rejection(book.execute(CUSTOMER, weekly))) as DomainError;
    expect(error.code).toBe("time_conflict");
    // The whole busy interval: free/busy was asked about the series' span, not one slot.
    expect(error.details.conflicts).toEqual([
      { start: "2026-03-24T15:30:00+01:00", end: "2026-03-24T16:30:00+01:00" },
    ]);
    expect(calendar.callCount("freeBusy")).toBe(1);
    expect(calendar.callCount("insertEvent")).toBe(0);

    // The same series without the clashing week books, and says all four were checked.
    const booked = await book.execute(CUSTOMER, {
      ...weekly,
      recurrence: ["RRULE:FREQ=WEEKLY;COUNT=4", "EXDATE;TZID=Europe/Madrid:20260324T150000"],
    });
    expect(booked.created).toBe(true);
    expect(booked.occurrences_checked).toEqual({ count: 3, all: true });
  });

  test("a series longer than Google's 90-day free/busy window, or with a rule not expanded, says what was checked", async () => {
    const { book } = await calendarWorld();
    const daily = await book.execute(CUSTOMER, {
      summary: "Gym",
      ...SLOT,
      time_zone: "Europe/Madrid",
      recurrence: ["RRULE:FREQ=DAILY"],
    });
    expect(daily.occurrences_checked?.all).toBe(false);
    expect(daily.occurrences_checked?.count).toBeGreaterThanOrEqual(89);
    expect(daily.occurrences_checked?.note).toContain("90 days");
    const setPos = await book.execute(CUSTOMER, {
      summary: "Review",
      start: "2026-04-30T10:00:00+02:00",
      end: "2026-04-30T11:00:00+02:00",
      recurrence: ["RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3"],
    });
    expect(setPos.occurrences_checked).toMatchObject({ count: 1, all: false });
    expect(setPos.occurrences_checked?.note).toContain("BYSETPOS");
  });

  test("a 401 on the insert refreshes the token once and books once", async () => {
    const { book, calendar, oauth, accessToken, vault } = await calendarWorld();
    calendar.rejectToken(accessToken);
    const result = await book.execute(CUSTOMER, { summary: "Retry", ...SLOT });
    expect(result.created).toBe(true);
    expect(oauth.refreshCalls).toBe(1);
    expect((await vault.get(CUSTOMER))?.tokens.accessToken).not.toBe(accessToken);
    expect(calendar.storedEvents()).toHaveLength(1);
  });

  test("bad input is invalid_argument naming the field; an unknown calendar is not_found", async () => {
    const { book } = await calendarWorld();
    const field = async (input: Parameters<typeof book.execute>[1]) =>
      ((await rejection(book.execute(CUSTOMER, input))) as DomainError).details.field;
    expect(await field({ summary: "", ...SLOT })).toBe("summary");
    expect(await field({ summary: "x", ...SLOT, attendees: [{ email: "nope" }] })).toBe("attendees[0].email");
    expect(await field({ summary: "x", ...SLOT, time_zone: "Nowhere/Land" })).toBe("time_zone");
    expect(await field({ summary: "x", start: SLOT.end, end: SLOT.start })).toBe("end");
    expect(
      await field({
        summary: "x",
        start: "2026-03-29T02:30",
        end: "2026-03-29T04:00",
        time_zone: "Europe/Madrid",
      }),
    ).toBe("start");
    expect(
      await codeOf(book.execute(CUSTOMER, { summary: "x", ...SLOT, calendar_id: "nobody@example.com" })),
    ).toBe("not_found");
  });
});

function times(slot: { start: string; end: string }) {
  return { start: { dateTime: slot.start }, end: { dateTime: slot.end } };
}
