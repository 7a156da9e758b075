/**
 * Parsing of an event's `recurrence` lines (RFC 5545 RRULE, EXDATE, RDATE) into a plain
 * structure. Google answers any line it cannot read with 400 "Invalid recurrence rule.", so a
 * parse failure is reported as `null` and the caller raises that error.
 */

import { type LocalDateTime, localToInstant, validParts } from "./calendar-time.ts";

export type Frequency = "DAILY" | "WEEKLY" | "MONTHLY" | "YEARLY";

/** 0 = Monday … 6 = Sunday (RFC 5545 weekday order). */
export type Weekday = number;

export interface ByDay {
  weekday: Weekday;
  /** `2TU` → 2, `-1FR` → -1, plain `MO` → null. */
  ordinal: number | null;
}

/** An UNTIL or EXDATE/RDATE value: a whole day or an exact instant. */
export type RuleTime = { kind: "date"; date: string } | { kind: "instant"; instant: number };

export interface RecurrenceRule {
  freq: Frequency;
  interval: number;
  count: number | null;
  until: RuleTime | null;
  byDay: ByDay[];
  byMonthDay: number[];
  byMonth: number[];
  bySetPos: number[];
  weekStart: Weekday;
}

export interface RecurrenceSet {
  rules: RecurrenceRule[];
  exDates: RuleTime[];
  rDates: RuleTime[];
}

const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const FREQUENCIES: readonly string[] = ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"];
const BASIC_DATE = /^(\d{4})(\d{2})(\d{2})$/;
const BASIC_DATE_TIME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/;

function intList(raw: string, min: number, max: number): number[] | null {
  const values = raw.split(",").map((v) => (/^[+-]?\d+$/.test(v) ? Number(v) : Number.NaN));
  return values.every((v) => Number.isInteger(v) && v >= min && v <= max && v !== 0) ? values : null;
}

function parseByDay(raw: string, allowOrdinal: boolean): ByDay[] | null {
  const out: ByDay[] = [];
  for (const part of raw.split(",")) {
    const m = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(part);
    if (m === null) return null;
    const ordinal = m[1] === undefined ? null : Number(m[1]);
    if (ordinal !== null && (!allowOrdinal || ordinal === 0 || Math.abs(ordinal) > 53)) return null;
    out.push({ weekday: WEEKDAYS.indexOf(m[2] ?? ""), ordinal });
  }
  return out;
}

/**
 * A basic-format date or date-time (`20240131`, `20240131T100000Z`, or a local
 * `20240131T100000` read in `zone`).
 */
export function parseRuleTime(value: string, zone: string): RuleTime | null {
  const d = BASIC_DATE.exec(value);
  if (d !== null) {
    return validParts(Number(d[1]), Number(d[2]), Number(d[3]))
      ? { kind: "date", date: `${d[1]}-${d[2]}-${d[3]}` }
      : null;
  }
  const t = BASIC_DATE_TIME.exec(value);
  if (t === null) return null;
  const [year, month, day, hour, minute, second] = t.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // The same check as every other time the emulator reads: 20240231 is no date, not 2 March.
  if (!validParts(year, month, day, hour, minute, second)) return null;
  const local: LocalDateTime = { year, month, day, hour, minute, second };
  const instant =
    t[7] === "Z" ? Date.UTC(year, month - 1, day, hour, minute, second) : localToInstant(local, zone);
  return { kind: "instant", instant };
}

function parseRule(body: string, zone: string): RecurrenceRule | null {
  const parts = new Map<string, string>();
  for (const piece of body.split(";")) {
    const [key, value] = piece.split("=");
    if (key === undefined || value === undefined || value === "" || parts.has(key.toUpperCase())) return null;
    parts.set(key.toUpperCase(), value.toUpperCase());
  }
  const freq = parts.get("FREQ");
  if (freq === undefined || !FREQUENCIES.includes(freq)) return null;
  const rule: RecurrenceRule = {
    freq: freq as Frequency,
    interval: 1,
    count: null,
    until: null,
    byDay: [],
    byMonthDay: [],
    byMonth: [],
    bySetPos: [],
    weekStart: 0,
  };
  for (const [key, value] of parts) {
    let ok = true;
    switch (key) {
      case "FREQ":
        break;
      case "INTERVAL":
      case "COUNT": {
        const n = /^\d{1,6}$/.test(value) ? Number(value) : 0;
        ok = n >= 1;
        if (key === "INTERVAL") rule.interval = n;
        else rule.count = n;
        break;
      }
      case "UNTIL":
        rule.until = parseRuleTime(value, zone);
        ok = rule.until !== null;
        break;
      case "BYDAY": {
        const byDay = parseByDay(value, rule.freq === "MONTHLY" || rule.freq === "YEARLY");
        ok = byDay !== null;
        rule.byDay = byDay ?? [];
        break;
      }
      case "BYMONTHDAY":
      case "BYMONTH":
      case "BYSETPOS": {
        const [min, max] = key === "BYMONTH" ? [1, 12] : key === "BYMONTHDAY" ? [-31, 31] : [-366, 366];
        const list = intList(value, min, max);
        ok = list !== null;
        if (key === "BYMONTHDAY") rule.byMonthDay = list ?? [];
        else if (key === "BYMONTH") rule.byMonth = list ?? [];
        else rule.bySetPos = list ?? [];
        break;
      }
      case "WKST":
        rule.weekStart = WEEKDAYS.indexOf(value);
        ok = rule.weekStart >= 0;
        break;
      default:
        // BYHOUR, BYWEEKNO, BYYEARDAY…: not emulated, refused rather than silently mis-expanded.
        ok = false;
    }
    if (!ok) return null;
  }
  if (rule.count !== null && rule.until !== null) return null;
  return rule;
}

function parseTimeList(line: string, zone: string): RuleTime[] | null {
  const colon = line.indexOf(":");
  if (colon < 0) return null;
  const params = line.slice(0, colon).split(";").slice(1);
  const tzid = params.find((p) => p.toUpperCase().startsWith("TZID="))?.slice(5) ?? zone;
  const out: RuleTime[] = [];
  for (const value of line.slice(colon + 1).split(",")) {
    const parsed = parseRuleTime(value.trim(), tzid);
    if (parsed === null) return null;
    out.push(parsed);
  }
  return out;
}

/** Parses Google's `recurrence` array; `zone` reads local EXDATE/RDATE/UNTIL values. */
export function parseRecurrence(lines: readonly string[], zone: string): RecurrenceSet | null {
  const set: RecurrenceSet = { rules: [], exDates: [], rDates: [] };
  for (const raw of lines) {
    const line = raw.trim();
    const name = line.split(/[;:]/, 1)[0]?.toUpperCase();
    if (name === "RRULE" && line[5] === ":") {
      const rule = parseRule(line.slice(6), zone);
      if (rule === null) return null;
      set.rules.push(rule);
    } else if (name === "EXDATE" || name === "RDATE") {
      const times = parseTimeList(line, zone);
      if (times === null) return null;
      (name === "EXDATE" ? set.exDates : set.rDates).push(...times);
    } else {
      return null;
    }
  }
  return set.rules.length > 0 || set.rDates.length > 0 ? set : null;
}
