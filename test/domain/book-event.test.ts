import { describe, expect, test } from "bun:test";
import type { DomainError } from "../../src/domain/errors.ts";
import type { BookingOutcome } from "../../src/domain/services/book-event.ts";
import { ACCOUNT, at, CUSTOMER, calendarWorld, codeOf, rejection } from "./calendar-fixtures.ts";

const SLOT_TEXT = { start: "2026-03-10T15:00:00+01:00", end: "2026-03-10T16:00:00+01:00" };
const SLOT = { start: at(SLOT_TEXT.start), end: at(SLOT_TEXT.end) };

function created(outcome: BookingOutcome): boolean {
  return outcome.kind === "created";
}

describe("BookEvent", () => {
  test("a first-time booking costs two Google calls: freeBusy and insert", async () => {
    const { book, calendar } = await calendarWorld();
    const result = await book.execute(CUSTOMER, {
      summary: "Dentist",
      ...SLOT,
      location: "Calle Mayor 1",
      attendees: [{ email: "dr@example.com" }],
    });
    expect(result.kind).toBe("created");
    expect(result.event).toMatchObject({
      status: "confirmed",
      summary: "Dentist",
      calendarId: "primary",
      start: { dateTime: "2026-03-10T15:00:00+01:00" },
      attendees: [{ email: "dr@example.com", responseStatus: "needsAction" }],
    });
    expect(result.event.htmlLink).toContain("https://www.google.com/calendar/event");
    expect(calendar.callCount()).toBe(2);
    expect(calendar.callCount("freeBusy")).toBe(1);
    expect(calendar.callCount("insertEvent")).toBe(1);
    expect(calendar.storedEvents()).toHaveLength(1);
  });

  test("a local time with time_zone becomes the right instant, kept in that zone", async () => {
    const { book, calendar } = await calendarWorld();
    const result = await book.execute(CUSTOMER, {
      summary: "Call",
      start: at("2026-07-01T09:30"),
      end: at("2026-07-01T10:00"),
      timeZone: "America/New_York",
    });
    expect(result.event.start).toEqual({
      dateTime: "2026-07-01T09:30:00-04:00",
      timeZone: "America/New_York",
    });
    expect(calendar.callCount("getTimeZone")).toBe(0);
  });

  test("a local time without time_zone is read in the calendar's zone", async () => {
    const { book, calendar } = await calendarWorld({ timeZone: "Asia/Tokyo" });
    const result = await book.execute(CUSTOMER, {
      summary: "Lunch",
      start: at("2026-03-10T12:00"),
      end: at("2026-03-10T13:00"),
    });
    expect(result.event.start).toEqual({ dateTime: "2026-03-10T12:00:00+09:00", timeZone: "Asia/Tokyo" });
    expect(calendar.callCount("getTimeZone")).toBe(1);
  });

  test("an all-day event is booked with dates, and conflicts with a timed event that day", async () => {
    const { book } = await calendarWorld();
    const trip = await book.execute(CUSTOMER, {
      summary: "Trip",
      start: at("2026-03-10"),
      end: at("2026-03-12"),
    });
    expect(trip.kind).toBe("created");
    expect(trip.event).toMatchObject({ start: { date: "2026-03-10" }, end: { date: "2026-03-12" } });
    const conflict = await rejection(book.execute(CUSTOMER, { summary: "Meeting", ...SLOT }));
    expect((conflict as DomainError).code).toBe("time_conflict");
    // The whole busy block, not the sliver inside the booking, in the calendar's zone.
    expect((conflict as DomainError).details.conflicts).toEqual([
      { start: "2026-03-10T00:00:00+01:00", end: "2026-03-12T00:00:00+01:00" },
    ]);
    // The trip ends at midnight Madrid time on the 12th (exclusive end date).
    const late = { start: at("2026-03-11T23:30:00+01:00"), end: at("2026-03-12T00:30:00+01:00") };
    expect(await codeOf(book.execute(CUSTOMER, { summary: "Late", ...late }))).toBe("time_conflict");
    const after = { start: at("2026-03-12T00:00:00+01:00"), end: at("2026-03-12T00:30:00+01:00") };
    expect(created(await book.execute(CUSTOMER, { summary: "After", ...after }))).toBe(true);
  });

  test("an overlap is a time_conflict listing the busy intervals, and nothing is inserted", async () => {
    const { book, calendar } = await calendarWorld();
    calendar.seedEvent("primary", {
      start: { dateTime: "2026-03-10T15:30:00+01:00" },
      end: { dateTime: "2026-03-10T17:00:00+01:00" },
    });
    const error = (await rejection(
      book.execute(CUSTOMER, { summary: "Clash", ...SLOT, timeZone: "Europe/Madrid" }),
    )) as DomainError;
    expect(error.code).toBe("time_conflict");
    expect(error.details.conflicts).toEqual([
      { start: "2026-03-10T15:30:00+01:00", end: "2026-03-10T17:00:00+01:00" },
    ]);
    expect(calendar.callCount("insertEvent")).toBe(0);
    // The block ran past the booking, so the first (clipped) answer was asked again, wider.
    expect(calendar.callCount("freeBusy")).toBe(2);
  });

  test("a clash inside the booking is whole already: one freeBusy call", async () => {
    const { book, calendar } = await calendarWorld();
    calendar.seedEvent("primary", {
      start: { dateTime: "2026-03-10T15:15:00+01:00" },
      end: { dateTime: "2026-03-10T15:45:00+01:00" },
    });
    const error = (await rejection(
      book.execute(CUSTOMER, { summary: "Clash", ...SLOT, timeZone: "Europe/Madrid" }),
    )) as DomainError;
    expect(error.details.conflicts).toEqual([
      { start: "2026-03-10T15:15:00+01:00", end: "2026-03-10T15:45:00+01:00" },
    ]);
    expect(calendar.callCount("freeBusy")).toBe(1);
  });

  test("a clash reaching back before the booking is reported from its true start", async () => {
    const { book, calendar } = await calendarWorld();
    calendar.seedEvent("primary", {
      start: { dateTime: "2026-03-08T09:00:00+01:00" },
      end: { dateTime: "2026-03-10T15:30:00+01:00" },
    });
    const error = (await rejection(
      book.execute(CUSTOMER, { summary: "Clash", ...SLOT, timeZone: "Europe/Madrid" }),
    )) as DomainError;
    expect(error.details.conflicts).toEqual([
      { start: "2026-03-08T09:00:00+01:00", end: "2026-03-10T15:30:00+01:00" },
    ]);
    expect(calendar.callCount("freeBusy")).toBe(2);
  });

  test("touching intervals, transparent and declined events are not conflicts", async () => {
    const { book, calendar } = await calendarWorld();
    calendar.seedEvent("primary", {
      start: { dateTime: "2026-03-10T14:00:00+01:00" },
      end: { dateTime: "2026-03-10T15:00:00+01:00" },
    });
    calendar.seedEvent("primary", { ...times(SLOT_TEXT), transparency: "transparent" });
    calendar.seedEvent("primary", {
      ...times(SLOT_TEXT),
      attendees: [{ email: ACCOUNT, self: true, responseStatus: "declined" }],
    });
    expect(created(await book.execute(CUSTOMER, { summary: "Fits", ...SLOT }))).toBe(true);
  });

  test("allowConflicts books over busy time without asking freeBusy", async () => {
    const { book, calendar } = await calendarWorld();
    calendar.seedEvent("primary", times(SLOT_TEXT));
    const result = await book.execute(CUSTOMER, { summary: "Double", ...SLOT, allowConflicts: true });
    expect(created(result)).toBe(true);
    expect(calendar.callCount("freeBusy")).toBe(0);
  });

  test("the same idempotency_key replays the first booking: same id, created false, one event", async () => {
    const { book, calendar } = await calendarWorld();
    const first = await book.execute(CUSTOMER, { summary: "Haircut", ...SLOT, idempotencyKey: "order-7" });
    calendar.resetCalls();
    const again = await book.execute(CUSTOMER, { summary: "Haircut", ...SLOT, idempotencyKey: "order-7" });
    expect(created(first)).toBe(true);
    expect(again).toEqual({ kind: "replayed", event: first.event });
    expect(first.event.id).toMatch(/^[a-v0-9]{52}$/);
    expect(calendar.storedEvents()).toHaveLength(1);
    // The recorded key answers: one read of its event, no conflict check.
    expect(calendar.callCount("freeBusy")).toBe(0);
    expect(calendar.callCount("getEvent")).toBe(1);
    expect(calendar.callCount("insertEvent")).toBe(0);
  });

  test("a replay that skips the conflict check meets Google's duplicate id and returns the event", async () => {
    const { book, calendar } = await calendarWorld();
    const first = await book.execute(CUSTOMER, { summary: "A", ...SLOT, idempotencyKey: "k" });
    const again = await book.execute(CUSTOMER, {
      summary: "A",
      ...SLOT,
      idempotencyKey: "k",
      allowConflicts: true,
    });
    expect(again.event.id).toBe(first.event.id);
    expect(again.kind).toBe("replayed");
    expect(calendar.storedEvents()).toHaveLength(1);
  });

  test("a key whose booking was cancelled is refused rather than silently reused", async () => {
    const { book, cancel } = await calendarWorld();
    const first = await book.execute(CUSTOMER, { summary: "A", ...SLOT, idempotencyKey: "k" });
    await cancel.execute(CUSTOMER, { eventId: first.event.id });
    expect(await codeOf(book.execute(CUSTOMER, { summary: "A", ...SLOT, idempotencyKey: "k" }))).toBe(
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

  test("20 concurrent bookings with one idempotencyKey: one event, one created: true", async () => {
    const { book, calendar } = await calendarWorld();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        book.execute(CUSTOMER, { summary: "Once", ...SLOT, idempotencyKey: "x" }),
      ),
    );
    expect(new Set(results.map((result) => result.event.id)).size).toBe(1);
    expect(results.filter(created)).toHaveLength(1);
    expect(calendar.storedEvents()).toHaveLength(1);
  });

  test("addMeetLink answers with the Meet link", async () => {
    const { book } = await calendarWorld();
    const result = await book.execute(CUSTOMER, { summary: "Video", ...SLOT, addMeetLink: true });
    expect(result.event.meetLink).toMatch(/^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
  });

  test("a recurring booking gets the calendar's zone, which Google requires", async () => {
    const { book, calendar } = await calendarWorld();
    const result = await book.execute(CUSTOMER, {
      summary: "Standup",
      ...SLOT,
      recurrence: ["RRULE:FREQ=DAILY;COUNT=3"],
    });
    expect(result.event.start).toEqual({ dateTime: "2026-03-10T15:00:00+01:00", timeZone: "Europe/Madrid" });
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
      timeZone: "Europe/Madrid",
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
    expect(booked).toMatchObject({ kind: "created", occurrencesChecked: { count: 3, all: true } });
  });

  test("a series longer than Google's 90-day free/busy window, or with a rule not expanded, says what was checked", async () => {
    const { book } = await calendarWorld();
    const daily = await book.execute(CUSTOMER, {
      summary: "Gym",
      ...SLOT,
      timeZone: "Europe/Madrid",
      recurrence: ["RRULE:FREQ=DAILY"],
    });
    const dailyChecked = daily.kind === "created" ? daily.occurrencesChecked : undefined;
    expect(dailyChecked?.all).toBe(false);
    expect(dailyChecked?.count).toBeGreaterThanOrEqual(89);
    expect(dailyChecked?.note).toContain("90 days");
    const setPos = await book.execute(CUSTOMER, {
      summary: "Review",
      start: at("2026-04-30T10:00:00+02:00"),
      end: at("2026-04-30T11:00:00+02:00"),
      recurrence: ["RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3"],
    });
    const setPosChecked = setPos.kind === "created" ? setPos.occurrencesChecked : undefined;
    expect(setPosChecked).toMatchObject({ count: 1, all: false });
    expect(setPosChecked?.note).toContain("BYSETPOS");
  });

  test("a 401 on the insert refreshes the token once and books once", async () => {
    const { book, calendar, oauth, accessToken, vault } = await calendarWorld();
    calendar.rejectToken(accessToken);
    const result = await book.execute(CUSTOMER, { summary: "Retry", ...SLOT });
    expect(created(result)).toBe(true);
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
    expect(await field({ summary: "x", ...SLOT, timeZone: "Nowhere/Land" })).toBe("timeZone");
    expect(await field({ summary: "x", start: SLOT.end, end: SLOT.start })).toBe("end");
    expect(
      await field({
        summary: "x",
        start: at("2026-03-29T02:30"),
        end: at("2026-03-29T04:00"),
        timeZone: "Europe/Madrid",
      }),
    ).toBe("start");
    expect(
      await codeOf(book.execute(CUSTOMER, { summary: "x", ...SLOT, calendarId: "nobody@example.com" })),
    ).toBe("not_found");
  });
});

function times(slot: { start: string; end: string }) {
  return { start: { dateTime: slot.start }, end: { dateTime: slot.end } };
}
