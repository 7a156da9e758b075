import { describe, expect, test } from "bun:test";
import type { DomainError } from "../../src/domain/errors.ts";
import { ACCOUNT, at, CUSTOMER, calendarWorld, codeOf, interval, rejection } from "./calendar-fixtures.ts";

describe("ListCalendars", () => {
  test("lists the calendars, primary first", async () => {
    const { listCalendars, calendar } = await calendarWorld();
    calendar.addCalendar({ id: "team@group.calendar.google.com", summary: "Team", accessRole: "reader" });
    const { calendars } = await listCalendars.execute(CUSTOMER);
    expect(calendars.map((c) => [c.id, c.primary, c.timeZone])).toEqual([
      [ACCOUNT, true, "Europe/Madrid"],
      ["team@group.calendar.google.com", false, "UTC"],
    ]);
  });
});

describe("ListEvents", () => {
  test("expands recurring events into instances within the window, in start order", async () => {
    const { listEvents, calendar } = await calendarWorld();
    const series = calendar.seedEvent("primary", {
      summary: "Standup",
      start: { dateTime: "2026-03-23T09:00:00+01:00", timeZone: "Europe/Madrid" },
      end: { dateTime: "2026-03-23T09:15:00+01:00", timeZone: "Europe/Madrid" },
      recurrence: ["RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4"],
    });
    calendar.seedEvent("primary", {
      summary: "Lunch",
      start: { dateTime: "2026-03-24T13:00:00+01:00" },
      end: { dateTime: "2026-03-24T14:00:00+01:00" },
    });
    const { events, nextPageToken } = await listEvents.execute(CUSTOMER, {
      timeMin: at("2026-03-23"),
      timeMax: at("2026-04-06"),
      timeZone: "Europe/Madrid",
    });
    expect(events.map((e) => [e.summary, "dateTime" in e.start ? e.start.dateTime : e.start.date])).toEqual([
      ["Standup", "2026-03-23T09:00:00+01:00"],
      ["Lunch", "2026-03-24T13:00:00+01:00"],
      ["Standup", "2026-03-25T09:00:00+01:00"],
      // After the DST change the wall time stays 09:00.
      ["Standup", "2026-03-30T09:00:00+02:00"],
      ["Standup", "2026-04-01T09:00:00+02:00"],
    ]);
    expect(events[0]?.recurringEventId).toBe(series.id);
    expect(nextPageToken).toBeNull();
  });

  test("pages with maxResults and pageToken, and filters by query", async () => {
    const { listEvents, calendar } = await calendarWorld();
    for (const day of ["10", "11", "12"]) {
      calendar.seedEvent("primary", {
        summary: `Yoga ${day}`,
        start: { dateTime: `2026-03-${day}T08:00:00Z` },
        end: { dateTime: `2026-03-${day}T09:00:00Z` },
      });
    }
    calendar.seedEvent("primary", {
      summary: "Dentist",
      start: { dateTime: "2026-03-10T10:00:00Z" },
      end: { dateTime: "2026-03-10T11:00:00Z" },
    });
    const window = { timeMin: at("2026-03-01T00:00:00Z"), timeMax: at("2026-04-01T00:00:00Z") };
    const first = await listEvents.execute(CUSTOMER, { ...window, query: "yoga", maxResults: 2 });
    expect(first.events.map((e) => e.summary)).toEqual(["Yoga 10", "Yoga 11"]);
    expect(first.nextPageToken).not.toBeNull();
    const second = await listEvents.execute(CUSTOMER, {
      ...window,
      query: "yoga",
      maxResults: 2,
      pageToken: first.nextPageToken ?? "",
    });
    expect(second.events.map((e) => e.summary)).toEqual(["Yoga 12"]);
  });

  test("without bounds lists what is coming from now; bad bounds are invalid_argument", async () => {
    const { listEvents, calendar, clock } = await calendarWorld();
    calendar.seedEvent("primary", {
      summary: "Past",
      start: { dateTime: "2026-01-14T08:00:00Z" },
      end: { dateTime: "2026-01-14T09:00:00Z" },
    });
    calendar.seedEvent("primary", {
      summary: "Next",
      start: { dateTime: "2026-01-16T08:00:00Z" },
      end: { dateTime: "2026-01-16T09:00:00Z" },
    });
    expect(clock.now().toISOString()).toBe("2026-01-15T10:00:00.000Z");
    expect((await listEvents.execute(CUSTOMER)).events.map((e) => e.summary)).toEqual(["Next"]);
    const backwards = { timeMin: at("2026-03-02T00:00:00Z"), timeMax: at("2026-03-01T00:00:00Z") };
    expect(await codeOf(listEvents.execute(CUSTOMER, backwards))).toBe("invalid_argument");
    expect(await codeOf(listEvents.execute(CUSTOMER, { maxResults: 0 }))).toBe("invalid_argument");
  });
});

describe("GetEvent", () => {
  test("returns the event; an unknown id is not_found", async () => {
    const { getEvent, calendar } = await calendarWorld();
    const seeded = calendar.seedEvent("primary", {
      summary: "Known",
      start: { dateTime: "2026-03-10T08:00:00Z" },
      end: { dateTime: "2026-03-10T09:00:00Z" },
    });
    expect((await getEvent.execute(CUSTOMER, { eventId: seeded.id })).summary).toBe("Known");
    expect(await codeOf(getEvent.execute(CUSTOMER, { eventId: "missing1" }))).toBe("not_found");
  });
});

describe("CheckAvailability", () => {
  test("busy intervals per calendar, merged, in the asked zone", async () => {
    const { checkAvailability, calendar } = await calendarWorld();
    calendar.addCalendar({ id: "team@group.calendar.google.com" });
    calendar.seedEvent("primary", {
      start: { dateTime: "2026-03-10T09:00:00+01:00" },
      end: { dateTime: "2026-03-10T10:00:00+01:00" },
    });
    calendar.seedEvent("primary", {
      start: { dateTime: "2026-03-10T09:30:00+01:00" },
      end: { dateTime: "2026-03-10T11:00:00+01:00" },
    });
    const result = await checkAvailability.execute(CUSTOMER, {
      timeMin: at("2026-03-10T00:00"),
      timeMax: at("2026-03-11T00:00"),
      timeZone: "Europe/Madrid",
      calendarIds: ["primary", "team@group.calendar.google.com", "ghost@example.com"],
    });
    expect(result.timeMin.toISOString()).toBe("2026-03-09T23:00:00.000Z");
    expect(result.calendars).toEqual([
      {
        calendarId: "primary",
        busy: [interval("2026-03-10T09:00:00+01:00", "2026-03-10T11:00:00+01:00")],
      },
      { calendarId: "team@group.calendar.google.com", busy: [] },
      { calendarId: "ghost@example.com", busy: [], error: "notFound" },
    ]);
  });

  test("a single unknown calendar is not_found; a window over 90 days is invalid_argument", async () => {
    const { checkAvailability } = await calendarWorld();
    const window = { timeMin: at("2026-03-10T00:00:00Z"), timeMax: at("2026-03-11T00:00:00Z") };
    expect(
      await codeOf(checkAvailability.execute(CUSTOMER, { ...window, calendarIds: ["ghost@x.com"] })),
    ).toBe("not_found");
    const long = { timeMin: at("2026-01-01T00:00:00Z"), timeMax: at("2026-06-01T00:00:00Z") };
    const error = (await rejection(checkAvailability.execute(CUSTOMER, long))) as DomainError;
    expect(error.details.field).toBe("timeMax");
  });
});
