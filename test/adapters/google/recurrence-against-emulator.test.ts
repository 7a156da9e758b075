import { afterAll, describe, expect, test } from "bun:test";
import { parseEventSpan, parseTimeInput } from "../../../src/domain/event-times.ts";
import { occurrencesWithin } from "../../../src/domain/recurrence.ts";
import { calendarServer } from "./calendar-emulator-server.ts";

const emulator = calendarServer();
const { gateway } = emulator;
afterAll(() => emulator.stop());

const DAY = 86_400_000;

/**
 * The booking conflict check expands a series itself (src/domain/recurrence.ts); the emulator,
 * which shares no code with it, expands the same series as Google's events.list with
 * singleEvents. Both must name the same occurrences over the window the check covers.
 */
const SERIES: Array<{ zone: string; start: string; end: string; recurrence: string[] }> = [
  {
    zone: "Europe/Madrid",
    start: "2026-03-16T10:00",
    end: "2026-03-16T10:30",
    recurrence: ["RRULE:FREQ=WEEKLY;COUNT=6"],
  },
  {
    zone: "America/New_York",
    start: "2026-02-27T09:00",
    end: "2026-02-27T09:45",
    recurrence: ["RRULE:FREQ=DAILY;BYDAY=MO,WE,FR"],
  },
  {
    zone: "Europe/Madrid",
    start: "2026-01-05T18:00",
    end: "2026-01-05T19:00",
    recurrence: ["RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH"],
  },
  {
    zone: "Europe/Madrid",
    start: "2026-01-30T16:00",
    end: "2026-01-30T17:00",
    recurrence: ["RRULE:FREQ=MONTHLY;BYDAY=-1FR"],
  },
  {
    zone: "Asia/Tokyo",
    start: "2026-01-31T08:00",
    end: "2026-01-31T08:30",
    recurrence: ["RRULE:FREQ=MONTHLY;UNTIL=20260601T000000Z"],
  },
  {
    zone: "Europe/London",
    start: "2026-02-09T12:00",
    end: "2026-02-09T13:00",
    recurrence: ["RRULE:FREQ=MONTHLY;BYMONTHDAY=9,-1"],
  },
  {
    zone: "Europe/Madrid",
    start: "2026-06-01",
    end: "2026-06-02",
    recurrence: ["RRULE:FREQ=WEEKLY;BYDAY=MO,SA;COUNT=9"],
  },
  {
    zone: "Europe/Madrid",
    start: "2026-02-02T10:00",
    end: "2026-02-02T11:00",
    recurrence: [
      "RRULE:FREQ=WEEKLY;COUNT=6",
      "EXDATE;TZID=Europe/Madrid:20260209T100000",
      "RDATE;TZID=Europe/Madrid:20260225T120000",
    ],
  },
  {
    zone: "Australia/Sydney",
    start: "2026-03-30T07:30",
    end: "2026-03-30T08:00",
    recurrence: ["RRULE:FREQ=DAILY;INTERVAL=3;UNTIL=20260501"],
  },
];

describe("recurrence expansion: the booking check against the emulator's events.list", () => {
  for (const item of SERIES) {
    test(`${item.recurrence.join(" ")} from ${item.start} (${item.zone})`, async () => {
      const token = emulator.issueToken();
      const span = parseEventSpan(
        parseTimeInput("start", item.start),
        parseTimeInput("end", item.end),
        item.zone,
      );
      const windowEnd = new Date(span.interval.start.getTime() + 90 * DAY);
      const ours = occurrencesWithin(span, item.zone, item.recurrence, windowEnd);
      expect(ours.unsupported).toBeNull();

      const event = await gateway.insertEvent(
        token,
        "primary",
        { summary: "Series", start: span.start, end: span.end, recurrence: item.recurrence },
        { sendUpdates: "none" },
      );
      const page = await gateway.listEvents(token, "primary", {
        timeMin: span.interval.start,
        timeMax: windowEnd,
        maxResults: 250,
      });
      const instances = page.events.filter((instance) => instance.recurringEventId === event.id);
      const googleStarts = instances.map((instance) =>
        "dateTime" in instance.start ? Date.parse(instance.start.dateTime) : instance.start.date,
      );
      const ourStarts = ours.intervals.map((interval) =>
        span.allDay
          ? new Intl.DateTimeFormat("en-CA", { timeZone: item.zone }).format(interval.start)
          : interval.start.getTime(),
      );
      expect(ourStarts.length).toBeGreaterThan(1);
      expect(ourStarts).toEqual(googleStarts.slice(0, ourStarts.length));
      // events.list also answers an instance that starts in the window and ends after it; the
      // check keeps only occurrences that end in it (free/busy's window). At most that one differs.
      expect(googleStarts.length - ourStarts.length).toBeLessThanOrEqual(1);
      const extra = instances[ourStarts.length];
      if (extra !== undefined) {
        const extraEnd = "dateTime" in extra.end ? Date.parse(extra.end.dateTime) : Number.POSITIVE_INFINITY;
        expect(extraEnd).toBeGreaterThan(windowEnd.getTime());
      }
    });
  }
});
