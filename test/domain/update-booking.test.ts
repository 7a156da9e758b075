import { describe, expect, test } from "bun:test";
import type { CalendarEvent } from "../../src/domain/calendar.ts";
import type { DomainError } from "../../src/domain/errors.ts";
import { UpdateBooking } from "../../src/domain/services/update-booking.ts";
import { InMemoryCalendarGateway } from "../fakes/in-memory-calendar-gateway.ts";
import { ACCOUNT, at, CUSTOMER, calendarWorld, codeOf, rejection } from "./calendar-fixtures.ts";

const SLOT = { start: at("2026-03-10T15:00"), end: at("2026-03-10T16:00"), timeZone: "Europe/Madrid" };

/** Someone else edits the event right after we read it, as another client would. */
class EditedMeanwhile extends InMemoryCalendarGateway {
  override async getEvent(accessToken: string, calendarId: string, eventId: string): Promise<CalendarEvent> {
    const read = await super.getEvent(accessToken, calendarId, eventId);
    await super.patchEvent(accessToken, calendarId, eventId, { summary: "Changed elsewhere" }, {});
    return read;
  }
}

describe("UpdateBooking", () => {
  test("a new start alone keeps the length; the event's own old slot is no conflict", async () => {
    const { book, update, calendar } = await calendarWorld();
    const booked = await book.execute(CUSTOMER, { summary: "Review", ...SLOT });
    const moved = await update.execute(CUSTOMER, { eventId: booked.event.id, start: at("2026-03-10T15:30") });
    expect(moved.start).toEqual({ dateTime: "2026-03-10T15:30:00+01:00", timeZone: "Europe/Madrid" });
    expect(moved.end).toEqual({ dateTime: "2026-03-10T16:30:00+01:00", timeZone: "Europe/Madrid" });
    expect(calendar.storedEvents()).toHaveLength(1);
  });

  test("a reschedule across a DST change keeps wall-clock length and the event's zone", async () => {
    const { book, update } = await calendarWorld();
    const booked = await book.execute(CUSTOMER, { summary: "Weekly", ...SLOT });
    const moved = await update.execute(CUSTOMER, { eventId: booked.event.id, start: at("2026-04-02T15:00") });
    expect(moved.start).toEqual({ dateTime: "2026-04-02T15:00:00+02:00", timeZone: "Europe/Madrid" });
    expect(moved.end).toEqual({ dateTime: "2026-04-02T16:00:00+02:00", timeZone: "Europe/Madrid" });
  });

  test("a new start given with an offset is still shown in the event's own zone", async () => {
    const { book, update, calendar } = await calendarWorld();
    const booked = await book.execute(CUSTOMER, { summary: "Call", ...SLOT });
    const moved = await update.execute(CUSTOMER, {
      eventId: booked.event.id,
      start: at("2026-03-10T20:00:00Z"),
    });
    expect(moved.start).toEqual({ dateTime: "2026-03-10T21:00:00+01:00", timeZone: "Europe/Madrid" });
    expect(calendar.callCount("getTimeZone")).toBe(0);
  });

  test("moving onto another booking is a time_conflict; transparent and declined events are ignored", async () => {
    const { book, update, calendar } = await calendarWorld();
    const booked = await book.execute(CUSTOMER, { summary: "Mine", ...SLOT });
    calendar.seedEvent("primary", {
      start: { dateTime: "2026-03-11T10:00:00+01:00" },
      end: { dateTime: "2026-03-11T11:00:00+01:00" },
    });
    calendar.seedEvent("primary", {
      start: { dateTime: "2026-03-12T10:00:00+01:00" },
      end: { dateTime: "2026-03-12T11:00:00+01:00" },
      transparency: "transparent",
    });
    calendar.seedEvent("primary", {
      start: { dateTime: "2026-03-12T10:30:00+01:00" },
      end: { dateTime: "2026-03-12T11:00:00+01:00" },
      attendees: [{ email: ACCOUNT, self: true, responseStatus: "declined" }],
    });
    const error = (await rejection(
      update.execute(CUSTOMER, {
        eventId: booked.event.id,
        start: at("2026-03-11T10:30"),
        end: at("2026-03-11T11:30"),
      }),
    )) as DomainError;
    expect(error.code).toBe("time_conflict");
    expect(error.details.conflicts).toEqual([
      { start: "2026-03-11T10:00:00+01:00", end: "2026-03-11T11:00:00+01:00" },
    ]);
    const moved = await update.execute(CUSTOMER, { eventId: booked.event.id, start: at("2026-03-12T10:00") });
    expect(moved.start).toEqual({ dateTime: "2026-03-12T10:00:00+01:00", timeZone: "Europe/Madrid" });
  });

  test("a change made meanwhile elsewhere is precondition_failed, not overwritten", async () => {
    const world = await calendarWorld();
    const calendar = new EditedMeanwhile({ email: ACCOUNT, clock: world.clock });
    const update = new UpdateBooking({ ...world, calendar });
    const event = calendar.seedEvent("primary", {
      summary: "Original",
      start: { dateTime: "2026-03-10T15:00:00+01:00" },
      end: { dateTime: "2026-03-10T16:00:00+01:00" },
    });
    expect(await codeOf(update.execute(CUSTOMER, { eventId: event.id, summary: "Mine" }))).toBe(
      "precondition_failed",
    );
    expect(calendar.storedEvents()[0]?.summary).toBe("Changed elsewhere");
  });

  test("new attendees are added while existing ones keep their responses", async () => {
    const { update, calendar } = await calendarWorld();
    const event = calendar.seedEvent("primary", {
      start: { dateTime: "2026-03-10T15:00:00+01:00" },
      end: { dateTime: "2026-03-10T16:00:00+01:00" },
      attendees: [{ email: "ana@example.com", responseStatus: "accepted" }],
    });
    const updated = await update.execute(CUSTOMER, {
      eventId: event.id,
      attendees: [{ email: "ana@example.com" }, { email: "ben@example.com" }],
      description: "Agenda attached",
    });
    expect(updated.attendees).toEqual([
      { email: "ana@example.com", responseStatus: "accepted" },
      { email: "ben@example.com", responseStatus: "needsAction" },
    ]);
    expect(calendar.storedEvents()[0]?.description).toBe("Agenda attached");
  });

  test("an all-day event moved by its start keeps its number of days", async () => {
    const { book, update } = await calendarWorld();
    const trip = await book.execute(CUSTOMER, {
      summary: "Trip",
      start: at("2026-03-10"),
      end: at("2026-03-13"),
    });
    const moved = await update.execute(CUSTOMER, { eventId: trip.event.id, start: at("2026-03-20") });
    expect(moved.start).toEqual({ date: "2026-03-20" });
    expect(moved.end).toEqual({ date: "2026-03-23" });
    expect(
      await codeOf(update.execute(CUSTOMER, { eventId: trip.event.id, start: at("2026-03-21T10:00:00Z") })),
    ).toBe("invalid_argument");
  });

  test("nothing to change, a cancelled event, or an unknown event are refused clearly", async () => {
    const { book, cancel, update } = await calendarWorld();
    const booked = await book.execute(CUSTOMER, { summary: "Gone", ...SLOT });
    expect(await codeOf(update.execute(CUSTOMER, { eventId: booked.event.id }))).toBe("invalid_argument");
    await cancel.execute(CUSTOMER, { eventId: booked.event.id });
    const error = (await rejection(
      update.execute(CUSTOMER, { eventId: booked.event.id, summary: "x" }),
    )) as DomainError;
    expect(error.code).toBe("not_found");
    expect(error.details.deleted).toBe(true);
    expect(await codeOf(update.execute(CUSTOMER, { eventId: "unknown1", summary: "x" }))).toBe("not_found");
  });
});
