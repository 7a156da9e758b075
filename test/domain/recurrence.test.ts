import { describe, expect, test } from "bun:test";
import { parseEventSpan, parseTimeInput } from "../../src/domain/event-times.ts";
import { occurrencesWithin } from "../../src/domain/recurrence.ts";
import { formatInstant } from "../../src/domain/zoned-time.ts";

const MADRID = "Europe/Madrid";
const DAY = 86_400_000;

function series(start: string, end: string, lines: string[], zone = MADRID, days = 90) {
  const span = parseEventSpan(parseTimeInput("start", start), parseTimeInput("end", end), zone);
  const window = occurrencesWithin(span, zone, lines, new Date(span.interval.start.getTime() + days * DAY));
  return {
    ...window,
    starts: window.intervals.map((interval) => formatInstant(interval.start, zone)),
    ends: window.intervals.map((interval) => formatInstant(interval.end, zone)),
  };
}

describe("occurrencesWithin", () => {
  test("weekly with COUNT: every occurrence, the wall time kept across the DST change", () => {
    const weekly = series("2026-03-16T10:00", "2026-03-16T10:30", ["RRULE:FREQ=WEEKLY;COUNT=4"]);
    expect(weekly.starts).toEqual([
      "2026-03-16T10:00:00+01:00",
      "2026-03-23T10:00:00+01:00",
      "2026-03-30T10:00:00+02:00",
      "2026-04-06T10:00:00+02:00",
    ]);
    expect(weekly.ends[2]).toBe("2026-03-30T10:30:00+02:00");
    expect(weekly).toMatchObject({ complete: true, unsupported: null });
  });

  test("weekdays only (DAILY with BYDAY), until a date, inclusive", () => {
    const workdays = series("2026-01-08T09:00", "2026-01-08T09:15", [
      "RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20260113",
    ]);
    expect(workdays.starts.map((start) => start.slice(0, 10))).toEqual([
      "2026-01-08",
      "2026-01-09",
      "2026-01-12",
      "2026-01-13",
    ]);
    expect(workdays.complete).toBe(true);
  });

  test("WEEKLY on two days every other week, counted from the week's start (WKST)", () => {
    const biweekly = series("2026-01-05T18:00", "2026-01-05T19:00", [
      "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;COUNT=5",
    ]);
    expect(biweekly.starts.map((start) => start.slice(0, 10))).toEqual([
      "2026-01-05",
      "2026-01-08",
      "2026-01-19",
      "2026-01-22",
      "2026-02-02",
    ]);
  });

  test("monthly on the last Friday, and on the 31st (months without one are skipped)", () => {
    const lastFriday = series("2026-01-30T16:00", "2026-01-30T17:00", [
      "RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=3",
    ]);
    expect(lastFriday.starts.map((start) => start.slice(0, 10))).toEqual([
      "2026-01-30",
      "2026-02-27",
      "2026-03-27",
    ]);
    const the31st = series(
      "2026-01-31T08:00",
      "2026-01-31T08:30",
      ["RRULE:FREQ=MONTHLY;COUNT=3"],
      MADRID,
      200,
    );
    expect(the31st.starts.map((start) => start.slice(0, 10))).toEqual([
      "2026-01-31",
      "2026-03-31",
      "2026-05-31",
    ]);
  });

  test("yearly on 29 February: only leap years", () => {
    const leap = series("2024-02-29", "2024-03-01", ["RRULE:FREQ=YEARLY;COUNT=2"], MADRID, 366 * 5);
    expect(leap.starts.map((start) => start.slice(0, 10))).toEqual(["2024-02-29", "2028-02-29"]);
  });

  test("all-day weekly: midnight to midnight in the zone", () => {
    const allDay = series("2026-06-01", "2026-06-02", ["RRULE:FREQ=WEEKLY;COUNT=2"]);
    expect(allDay.starts).toEqual(["2026-06-01T00:00:00+02:00", "2026-06-08T00:00:00+02:00"]);
    expect(allDay.ends).toEqual(["2026-06-02T00:00:00+02:00", "2026-06-09T00:00:00+02:00"]);
  });

  test("EXDATE (in any zone, or UTC) removes an occurrence; RDATE adds one; COUNT counts before EXDATE", () => {
    const withExceptions = series("2026-02-02T10:00", "2026-02-02T11:00", [
      "RRULE:FREQ=WEEKLY;COUNT=4",
      "EXDATE;TZID=America/New_York:20260209T040000",
      "EXDATE:20260223T090000Z",
      "RDATE;TZID=Europe/Madrid:20260225T120000",
    ]);
    expect(withExceptions.starts).toEqual([
      "2026-02-02T10:00:00+01:00",
      "2026-02-16T10:00:00+01:00",
      "2026-02-25T12:00:00+01:00",
    ]);
    expect(withExceptions.complete).toBe(true);
  });

  test("a series longer than the window is cut at it, and says so", () => {
    // In UTC (no DST to move the wall time against the window): 1 January to 31 March.
    const daily = series("2026-01-01T07:00", "2026-01-01T07:30", ["RRULE:FREQ=DAILY"], "UTC", 90);
    expect(daily.intervals).toHaveLength(90);
    expect(daily.complete).toBe(false);
    const [first, last] = [daily.intervals[0], daily.intervals.at(-1)];
    expect(last?.end.getTime()).toBeLessThanOrEqual((first?.start.getTime() ?? 0) + 90 * DAY);
  });

  test("rule parts it does not read: the first occurrence only, naming the part", () => {
    for (const [line, part] of [
      ["RRULE:FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=-1", "RRULE part BYSETPOS"],
      ["RRULE:FREQ=HOURLY;COUNT=3", "FREQ=HOURLY"],
      ["EXRULE:FREQ=WEEKLY", "EXRULE"],
      ["RRULE:FREQ=YEARLY;BYDAY=1MO", "BYDAY with an ordinal in FREQ=YEARLY"],
    ] as const) {
      const one = series("2026-01-05T10:00", "2026-01-05T11:00", [line]);
      expect({
        line,
        unsupported: one.unsupported,
        count: one.intervals.length,
        complete: one.complete,
      }).toEqual({
        line,
        unsupported: part,
        count: 1,
        complete: false,
      });
    }
  });
});
