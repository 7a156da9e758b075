import { canonicalTimeZone, daysInMonth, type LocalDate, zonedToInstant } from "./zoned-time.ts";

/**
 * An event's `recurrence` lines (RFC 5545) read into the parts the booking check expands
 * (src/domain/recurrence.ts). A line or part it does not read throws UnsupportedRecurrence,
 * naming it; the check then falls back to the first occurrence and says so.
 */

export type Frequency = "DAILY" | "WEEKLY" | "MONTHLY" | "YEARLY";

export interface WeekdayRule {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** 2 in "2TU", -1 in "-1FR"; null for a plain weekday. */
  ordinal: number | null;
}

export interface Rule {
  freq: Frequency;
  interval: number;
  count: number | null;
  until: RuleTime | null;
  byDay: WeekdayRule[];
  byMonthDay: number[];
  byMonth: number[];
  weekStart: number;
}

/** An UNTIL, EXDATE or RDATE value: a calendar date, or a moment (UTC, or a wall time in a zone). */
export type RuleTime = { kind: "date"; date: LocalDate } | { kind: "moment"; instant: Date };

/** A recurrence line or rule part the expansion does not read; its message names it. */
export class UnsupportedRecurrence extends Error {}

const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const FREQUENCIES: readonly string[] = ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"];
const READ_PARTS = new Set(["FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "WKST"]);
/** The RRULE (null without one), EXDATE and RDATE values of `lines`, read in `zone`. */
export function readLines(
  lines: string[],
  zone: string,
): { rule: Rule | null; exDates: RuleTime[]; rDates: RuleTime[] } {
  let rule: Rule | null = null;
  const exDates: RuleTime[] = [];
  const rDates: RuleTime[] = [];
  for (const line of lines) {
    const colon = line.indexOf(":");
    const [rawName = "", ...params] = line.slice(0, Math.max(colon, 0)).split(";");
    const name = rawName.trim().toUpperCase();
    const value = line.slice(colon + 1).trim();
    if (name === "RRULE") {
      if (rule !== null) throw new UnsupportedRecurrence("more than one RRULE");
      rule = readRule(value, zone);
    } else if (name === "EXDATE" || name === "RDATE") {
      const target = name === "EXDATE" ? exDates : rDates;
      for (const item of value.split(",")) target.push(readTime(item.trim(), params, zone, name));
    } else {
      throw new UnsupportedRecurrence(name === "" ? "a recurrence line without a name" : name);
    }
  }
  return { rule, exDates, rDates };
}

function readRule(text: string, zone: string): Rule {
  const parts = new Map<string, string>();
  for (const pair of text.split(";")) {
    const [key = "", value = ""] = pair.split("=");
    const name = key.trim().toUpperCase();
    if (!READ_PARTS.has(name)) throw new UnsupportedRecurrence(`RRULE part ${name}`);
    parts.set(name, value.trim().toUpperCase());
  }
  const freq = parts.get("FREQ") ?? "";
  if (!FREQUENCIES.includes(freq)) throw new UnsupportedRecurrence(`FREQ=${freq}`);
  const rule: Rule = {
    freq: freq as Frequency,
    interval: positive(parts.get("INTERVAL") ?? "1", "INTERVAL"),
    count: parts.has("COUNT") ? positive(parts.get("COUNT") ?? "", "COUNT") : null,
    until: parts.has("UNTIL") ? readTime(parts.get("UNTIL") ?? "", [], zone, "UNTIL") : null,
    byDay: (parts.get("BYDAY") ?? "").split(",").filter(Boolean).map(readWeekday),
    byMonthDay: numbers(parts.get("BYMONTHDAY"), 31, "BYMONTHDAY"),
    byMonth: numbers(parts.get("BYMONTH"), 12, "BYMONTH"),
    weekStart: parts.has("WKST") ? weekdayNumber(parts.get("WKST") ?? "") : 1,
  };
  const ordinals = rule.byDay.some((day) => day.ordinal !== null);
  if (rule.freq !== "MONTHLY" && ordinals)
    throw new UnsupportedRecurrence(`BYDAY with an ordinal in FREQ=${freq}`);
  if (rule.freq === "YEARLY" && rule.byDay.length > 0)
    throw new UnsupportedRecurrence("BYDAY in FREQ=YEARLY");
  if (rule.freq !== "MONTHLY" && rule.byMonthDay.length > 0)
    throw new UnsupportedRecurrence(`BYMONTHDAY in FREQ=${freq}`);
  if (rule.freq !== "YEARLY" && rule.byMonth.length > 0)
    throw new UnsupportedRecurrence(`BYMONTH in FREQ=${freq}`);
  if (rule.byMonth.some((month) => month < 1)) throw new UnsupportedRecurrence("BYMONTH below 1");
  return rule;
}

function readWeekday(text: string): WeekdayRule {
  const match = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(text);
  if (match === null) throw new UnsupportedRecurrence(`BYDAY=${text}`);
  const ordinal = match[1] === undefined ? null : Number(match[1]);
  if (ordinal !== null && (ordinal === 0 || Math.abs(ordinal) > 5))
    throw new UnsupportedRecurrence(`BYDAY=${text}`);
  return { weekday: weekdayNumber(match[2] ?? ""), ordinal };
}

function weekdayNumber(text: string): number {
  const index = WEEKDAYS.indexOf(text);
  if (index < 0) throw new UnsupportedRecurrence(`weekday ${text}`);
  return index + 1;
}

function positive(text: string, part: string): number {
  const value = /^\d{1,6}$/.test(text) ? Number(text) : 0;
  if (value < 1) throw new UnsupportedRecurrence(`${part}=${text}`);
  return value;
}

function numbers(text: string | undefined, max: number, part: string): number[] {
  if (text === undefined) return [];
  return text.split(",").map((item) => {
    const value = /^[+-]?\d{1,2}$/.test(item) ? Number(item) : 0;
    if (value === 0 || Math.abs(value) > max) throw new UnsupportedRecurrence(`${part}=${text}`);
    return value;
  });
}

/** 20260105, 20260105T100000 (a wall time in TZID, else in the event's zone) or 20260105T090000Z. */
function readTime(text: string, params: string[], zone: string, what: string): RuleTime {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(text);
  if (match === null) throw new UnsupportedRecurrence(`${what} value ${text}`);
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((index) =>
    Number(match[index] ?? 0),
  );
  const date = { year: year ?? 0, month: month ?? 0, day: day ?? 0 };
  if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > daysInMonth(date.year, date.month)) {
    throw new UnsupportedRecurrence(`${what} value ${text}`);
  }
  if (match[4] === undefined) return { kind: "date", date };
  const time = { ...date, hour: hour ?? 0, minute: minute ?? 0, second: second ?? 0 };
  if (match[7] === "Z") {
    return {
      kind: "moment",
      instant: new Date(Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute, time.second)),
    };
  }
  const tzid = params
    .find((param) => param.trim().toUpperCase().startsWith("TZID="))
    ?.trim()
    .slice(5);
  const instant = zonedToInstant(time, tzid === undefined ? zone : knownZone(tzid, what), "shift");
  if (instant === null) throw new UnsupportedRecurrence(`${what} value ${text}`);
  return { kind: "moment", instant };
}

function knownZone(tzid: string, what: string): string {
  try {
    return canonicalTimeZone(tzid);
  } catch {
    throw new UnsupportedRecurrence(`${what} TZID ${tzid}`);
  }
}
