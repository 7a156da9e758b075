import { describe, expect, test } from "bun:test";
import { formatInZone } from "../../src/calendar/calendar-time.ts";
import { expandRecurrence, type SeriesStart } from "../../src/calendar/recurrence.ts";
import { parseRecurrence, parseRuleTime } from "../../src/calendar/recurrence-rule.ts";

const ALL = { startBefore: Date.UTC(2100, 0, 1), skipBefore: Number.NEGATIVE_INFINITY, max: 1000 };

function expandTimed(lines: string[], startUtc: string, zone: string, limits = ALL): string[] {
  const set = parseRecurrence(lines, zone);
  if (set === null) throw new Error("unparseable");
  const start: SeriesStart = { kind: "instant", instant: Date.parse(startUtc), zone };
  return expandRecurrence(set, start, limits).map((o) =>
    o.kind === "instant" ? formatInZone(o.instant, zone) : o.date,
  );
}

function expandDates(lines: string[], date: string, limits = ALL): string[] {
  const set = parseRecurrence(lines, "UTC");
  if (set === null) throw new Error("unparseable");
  return expandRecurrence(set, { kind: "date", date, zone: "UTC" }, limits).map((o) =>
    o.kind === "date" ? o.date : String(o.instant),
  );
}

describe("parseRecurrence", () => {
  test.each([
    ["no FREQ", "RRULE:INTERVAL=2"],
    ["unknown FREQ", "RRULE:FREQ=FORTNIGHTLY"],
    ["COUNT with UNTIL", "RRULE:FREQ=DAILY;COUNT=2;UNTIL=20240101"],
    ["ordinal weekday in WEEKLY", "RRULE:FREQ=WEEKLY;BYDAY=2MO"],
    ["a zero interval", "RRULE:FREQ=DAILY;INTERVAL=0"],
    ["an unknown property", "FOO:BAR"],
    ["an unsupported rule part", "RRULE:FREQ=DAILY;BYHOUR=9"],
  ])("refuses %s", (_label, line) => {
    expect(parseRecurrence([line], "UTC")).toBeNull();
  });

  test("reads EXDATE with TZID and RDATE dates", () => {
    const set = parseRecurrence(
      ["RRULE:FREQ=DAILY", "EXDATE;TZID=Europe/Madrid:20240312T090000", "RDATE;VALUE=DATE:20240401"],
      "UTC",
    );
    expect(set?.exDates).toEqual([{ kind: "instant", instant: Date.UTC(2024, 2, 12, 8, 0, 0) }]);
    expect(set?.rDates).toEqual([{ kind: "date", date: "2024-04-01" }]);
  });
});

describe("expandRecurrence", () => {
  test("DAILY with COUNT and INTERVAL", () => {
    expect(expandTimed(["RRULE:FREQ=DAILY;INTERVAL=2;COUNT=3"], "2024-03-11T09:00:00Z", "UTC")).toEqual([
      "2024-03-11T09:00:00Z",
      "2024-03-13T09:00:00Z",
      "2024-03-15T09:00:00Z",
    ]);
  });

  test("keeps the wall-clock time across a DST change", () => {
    // 09:00 in Madrid: +01:00 before 31 March 2024, +02:00 after.
    expect(expandTimed(["RRULE:FREQ=DAILY;COUNT=3"], "2024-03-30T08:00:00Z", "Europe/Madrid")).toEqual([
      "2024-03-30T09:00:00+01:00",
      "2024-03-31T09:00:00+02:00",
      "2024-04-01T09:00:00+02:00",
    ]);
  });

  test("WEEKLY with BYDAY and UNTIL (inclusive)", () => {
    expect(
      expandTimed(["RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL=20240318T090000Z"], "2024-03-11T09:00:00Z", "UTC"),
    ).toEqual([
      "2024-03-11T09:00:00Z",
      "2024-03-13T09:00:00Z",
      "2024-03-15T09:00:00Z",
      "2024-03-18T09:00:00Z",
    ]);
  });

  test("biweekly on Tuesdays, started on a Monday: DTSTART is the first instance", () => {
    expect(
      expandTimed(["RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=3"], "2024-03-11T09:00:00Z", "UTC"),
    ).toEqual(["2024-03-11T09:00:00Z", "2024-03-12T09:00:00Z", "2024-03-26T09:00:00Z"]);
  });

  test("EXDATE removes an occurrence but still counts for COUNT", () => {
    expect(
      expandTimed(["RRULE:FREQ=DAILY;COUNT=3", "EXDATE:20240312T090000Z"], "2024-03-11T09:00:00Z", "UTC"),
    ).toEqual(["2024-03-11T09:00:00Z", "2024-03-13T09:00:00Z"]);
  });

  test("MONTHLY on the 31st skips short months; MONTHLY by ordinal weekday", () => {
    expect(expandDates(["RRULE:FREQ=MONTHLY;COUNT=3"], "2024-01-31")).toEqual([
      "2024-01-31",
      "2024-03-31",
      "2024-05-31",
    ]);
    expect(expandDates(["RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=3"], "2024-01-26")).toEqual([
      "2024-01-26",
      "2024-02-23",
      "2024-03-29",
    ]);
    expect(
      expandDates(["RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=2"], "2024-01-31"),
    ).toEqual(["2024-01-31", "2024-02-29"]);
  });

  test("YEARLY on 29 February only in leap years", () => {
    expect(expandDates(["RRULE:FREQ=YEARLY;COUNT=2"], "2024-02-29")).toEqual(["2024-02-29", "2028-02-29"]);
  });

  test("is bounded by the window and the maximum", () => {
    const window = { startBefore: Date.UTC(2024, 2, 15), skipBefore: Date.UTC(2024, 2, 13), max: 100 };
    expect(expandTimed(["RRULE:FREQ=DAILY"], "2024-03-01T09:00:00Z", "UTC", window)).toEqual([
      "2024-03-13T09:00:00Z",
      "2024-03-14T09:00:00Z",
    ]);
    const capped = { ...ALL, max: 5 };
    expect(expandTimed(["RRULE:FREQ=DAILY"], "2024-03-01T09:00:00Z", "UTC", capped)).toHaveLength(5);
    // A rule that never matches stops after a bounded walk instead of spinning.
    expect(expandDates(["RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"], "2024-01-01")).toEqual(["2024-01-01"]);
  });
});

describe("rule times", () => {
  test("a date that does not exist is refused, not rolled over into the next month", () => {
    expect(parseRuleTime("20240231", "UTC")).toBeNull();
    expect(parseRuleTime("20240231T100000Z", "UTC")).toBeNull();
    expect(parseRuleTime("20240229T100000Z", "UTC")).toEqual({
      kind: "instant",
      instant: Date.UTC(2024, 1, 29, 10),
    });
    expect(parseRuleTime("20240229", "UTC")).toEqual({ kind: "date", date: "2024-02-29" });
  });
});
