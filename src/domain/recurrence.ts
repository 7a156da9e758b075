import type { Interval } from "./calendar.ts";
import type { EventSpan } from "./event-times.ts";
import {
  addDays,
  canonicalTimeZone,
  daysBetween,
  daysInMonth,
  isoWeekday,
  type LocalDate,
  type LocalDateTime,
  zonedParts,
  zonedToInstant,
} from "./zoned-time.ts";

/**
 * The occurrences of a recurring event that a booking's conflict check covers: RFC 5545
 * RRULE / EXDATE / RDATE expanded in the event's zone, from its first occurrence (DTSTART, always
 * an occurrence) up to a window end. Wall-clock times hold across DST changes, as Google keeps
 * them; a local time a spring-forward gap skips moves forward by the gap.
 *
 * What it reads: one RRULE with FREQ DAILY, WEEKLY, MONTHLY or YEARLY; INTERVAL; COUNT or UNTIL;
 * WKST; BYDAY (DAILY and WEEKLY: weekdays; MONTHLY: weekdays, with or without an ordinal such as
 * 1MO or -1FR); BYMONTHDAY (MONTHLY); BYMONTH (YEARLY); and EXDATE and RDATE lines. Anything else
 * (BYSETPOS, BYYEARDAY, BYWEEKNO, BYHOUR..., EXRULE, several RRULEs) is reported as unsupported,
 * and the caller checks the first occurrence only, saying so.
 */
export interface OccurrenceWindow {
  /** Every occurrence ending by the window end, first one included, in order. */
  intervals: Interval[];
  /** True when the series has no occurrence after these (it ends inside the window). */
  complete: boolean;
  /** The rule part this expansion does not read, when it could not expand the series; else null. */
  unsupported: string | null;
}

type Frequency = "DAILY" | "WEEKLY" | "MONTHLY" | "YEARLY";

interface WeekdayRule {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** 2 in "2TU", -1 in "-1FR"; null for a plain weekday. */
  ordinal: number | null;
}

interface Rule {
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
type RuleTime = { kind: "date"; date: LocalDate } | { kind: "moment"; instant: Date };

class Unsupported extends Error {}

const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const FREQUENCIES: readonly string[] = ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"];
const READ_PARTS = new Set(["FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "WKST"]);
/** Bounds the walk for rules that match rarely (a 31st every other month, a 29 February). */
const MAX_PERIODS = 5000;

export function occurrencesWithin(
  span: EventSpan,
  zone: string,
  lines: string[],
  windowEnd: Date,
): OccurrenceWindow {
  const first = span.interval;
  try {
    const { rule, exDates, rDates } = readLines(lines, zone);
    const series = new Series(span, zone);
    const excluded = (start: Date, date: LocalDate) => exDates.some((time) => matches(time, start, date));
    const found: Interval[] = [];
    let complete = true;
    const keep = (interval: Interval, date: LocalDate): boolean => {
      if (interval.end.getTime() > windowEnd.getTime()) {
        complete = false;
        return false;
      }
      if (!excluded(interval.start, date)) found.push(interval);
      return true;
    };
    keep(first, series.firstDate);
    if (rule !== null) complete = series.expand(rule, keep) && complete;
    for (const time of rDates) {
      const date = time.kind === "date" ? time.date : zonedParts(time.instant, zone);
      const interval = series.at(time.kind === "date" ? date : time.instant);
      if (interval.start.getTime() > first.start.getTime()) keep(interval, date);
    }
    const unique = new Map(found.map((interval) => [interval.start.getTime(), interval]));
    return {
      intervals: [...unique.values()].sort((a, b) => a.start.getTime() - b.start.getTime()),
      complete,
      unsupported: null,
    };
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error;
    return { intervals: [first], complete: false, unsupported: error.message };
  }
}

/** The event's occurrences as intervals: the first one's wall time and length, on other dates. */
class Series {
  readonly firstDate: LocalDate;
  readonly #span: EventSpan;
  readonly #zone: string;
  readonly #time: LocalDateTime;
  readonly #lengthMs: number;
  readonly #lengthDays: number;

  constructor(span: EventSpan, zone: string) {
    this.#span = span;
    this.#zone = zone;
    this.#time = zonedParts(span.interval.start, zone);
    const { year, month, day } = this.#time;
    this.firstDate = span.allDay
      ? dateOf(String((span.start as { date: string }).date))
      : { year, month, day };
    this.#lengthMs = span.interval.end.getTime() - span.interval.start.getTime();
    this.#lengthDays = span.allDay
      ? daysBetween(this.firstDate, dateOf(String((span.end as { date: string }).date)))
      : 0;
  }

  /** The occurrence on `date` (at the first one's wall time), or starting at an exact instant. */
  at(when: LocalDate | Date): Interval {
    if (when instanceof Date) return { start: when, end: new Date(when.getTime() + this.#lengthMs) };
    if (this.#span.allDay) {
      return { start: this.#midnight(when), end: this.#midnight(addDays(when, this.#lengthDays)) };
    }
    const { hour, minute, second } = this.#time;
    const start = zonedToInstant({ ...when, hour, minute, second }, this.#zone, "shift") as Date;
    return { start, end: new Date(start.getTime() + this.#lengthMs) };
  }

  /**
   * Walk the rule's dates after the first occurrence, handing each occurrence to `keep` until it
   * answers false (past the window). True when the rule ran out (COUNT, UNTIL) on its own.
   */
  expand(rule: Rule, keep: (interval: Interval, date: LocalDate) => boolean): boolean {
    let made = 1;
    for (let period = 0; period < MAX_PERIODS; period += 1) {
      for (const date of this.#candidates(rule, period)) {
        if (daysBetween(this.firstDate, date) <= 0) continue;
        if (rule.count !== null && made >= rule.count) return true;
        const interval = this.at(date);
        if (rule.until !== null && !notAfter(rule.until, interval.start, date)) return true;
        made += 1;
        if (!keep(interval, date)) return false;
      }
    }
    return false;
  }

  #candidates(rule: Rule, period: number): LocalDate[] {
    const step = period * rule.interval;
    const start = this.firstDate;
    switch (rule.freq) {
      case "DAILY": {
        const date = addDays(start, step);
        const weekdays = rule.byDay.map((day) => day.weekday);
        return weekdays.length === 0 || weekdays.includes(isoWeekday(date)) ? [date] : [];
      }
      case "WEEKLY": {
        const weekStart = addDays(start, -((isoWeekday(start) - rule.weekStart + 7) % 7) + 7 * step);
        const weekdays = rule.byDay.length === 0 ? [isoWeekday(start)] : rule.byDay.map((day) => day.weekday);
        const offsets = weekdays.map((weekday) => (weekday - rule.weekStart + 7) % 7);
        return [...new Set(offsets)].sort((a, b) => a - b).map((offset) => addDays(weekStart, offset));
      }
      case "MONTHLY": {
        const index = start.year * 12 + (start.month - 1) + step;
        return monthDays(Math.floor(index / 12), (index % 12) + 1, rule, start.day);
      }
      case "YEARLY": {
        const year = start.year + step;
        const months = rule.byMonth.length === 0 ? [start.month] : [...rule.byMonth].sort((a, b) => a - b);
        return months
          .filter((month) => start.day <= daysInMonth(year, month))
          .map((month) => ({ year, month, day: start.day }));
      }
    }
  }

  #midnight(date: LocalDate): Date {
    return zonedToInstant({ ...date, hour: 0, minute: 0, second: 0 }, this.#zone, "shift") as Date;
  }
}

/** The days of a month a MONTHLY rule picks, in order. */
function monthDays(year: number, month: number, rule: Rule, firstDay: number): LocalDate[] {
  const length = daysInMonth(year, month);
  const byMonthDay = rule.byMonthDay
    .map((day) => (day > 0 ? day : length + day + 1))
    .filter((day) => day >= 1 && day <= length);
  const byDay = new Set<number>();
  for (const { weekday, ordinal } of rule.byDay) {
    const all: number[] = [];
    for (let day = 1; day <= length; day += 1) {
      if (isoWeekday({ year, month, day }) === weekday) all.push(day);
    }
    if (ordinal === null) for (const day of all) byDay.add(day);
    else {
      const picked = ordinal > 0 ? all[ordinal - 1] : all[all.length + ordinal];
      if (picked !== undefined) byDay.add(picked);
    }
  }
  let days: number[];
  if (rule.byMonthDay.length > 0 && rule.byDay.length > 0) days = byMonthDay.filter((day) => byDay.has(day));
  else if (rule.byMonthDay.length > 0) days = byMonthDay;
  else if (rule.byDay.length > 0) days = [...byDay];
  else days = firstDay <= length ? [firstDay] : [];
  return [...new Set(days)].sort((a, b) => a - b).map((day) => ({ year, month, day }));
}

function readLines(
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
      if (rule !== null) throw new Unsupported("more than one RRULE");
      rule = readRule(value, zone);
    } else if (name === "EXDATE" || name === "RDATE") {
      const target = name === "EXDATE" ? exDates : rDates;
      for (const item of value.split(",")) target.push(readTime(item.trim(), params, zone, name));
    } else {
      throw new Unsupported(name === "" ? "a recurrence line without a name" : name);
    }
  }
  return { rule, exDates, rDates };
}

function readRule(text: string, zone: string): Rule {
  const parts = new Map<string, string>();
  for (const pair of text.split(";")) {
    const [key = "", value = ""] = pair.split("=");
    const name = key.trim().toUpperCase();
    if (!READ_PARTS.has(name)) throw new Unsupported(`RRULE part ${name}`);
    parts.set(name, value.trim().toUpperCase());
  }
  const freq = parts.get("FREQ") ?? "";
  if (!FREQUENCIES.includes(freq)) throw new Unsupported(`FREQ=${freq}`);
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
  if (rule.freq !== "MONTHLY" && ordinals) throw new Unsupported(`BYDAY with an ordinal in FREQ=${freq}`);
  if (rule.freq === "YEARLY" && rule.byDay.length > 0) throw new Unsupported("BYDAY in FREQ=YEARLY");
  if (rule.freq !== "MONTHLY" && rule.byMonthDay.length > 0)
    throw new Unsupported(`BYMONTHDAY in FREQ=${freq}`);
  if (rule.freq !== "YEARLY" && rule.byMonth.length > 0) throw new Unsupported(`BYMONTH in FREQ=${freq}`);
  if (rule.byMonth.some((month) => month < 1)) throw new Unsupported("BYMONTH below 1");
  return rule;
}

function readWeekday(text: string): WeekdayRule {
  const match = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(text);
  if (match === null) throw new Unsupported(`BYDAY=${text}`);
  const ordinal = match[1] === undefined ? null : Number(match[1]);
  if (ordinal !== null && (ordinal === 0 || Math.abs(ordinal) > 5)) throw new Unsupported(`BYDAY=${text}`);
  return { weekday: weekdayNumber(match[2] ?? ""), ordinal };
}

function weekdayNumber(text: string): number {
  const index = WEEKDAYS.indexOf(text);
  if (index < 0) throw new Unsupported(`weekday ${text}`);
  return index + 1;
}

function positive(text: string, part: string): number {
  const value = /^\d{1,6}$/.test(text) ? Number(text) : 0;
  if (value < 1) throw new Unsupported(`${part}=${text}`);
  return value;
}

function numbers(text: string | undefined, max: number, part: string): number[] {
  if (text === undefined) return [];
  return text.split(",").map((item) => {
    const value = /^[+-]?\d{1,2}$/.test(item) ? Number(item) : 0;
    if (value === 0 || Math.abs(value) > max) throw new Unsupported(`${part}=${text}`);
    return value;
  });
}

/** 20260105, 20260105T100000 (a wall time in TZID, else in the event's zone) or 20260105T090000Z. */
function readTime(text: string, params: string[], zone: string, what: string): RuleTime {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(text);
  if (match === null) throw new Unsupported(`${what} value ${text}`);
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((index) =>
    Number(match[index] ?? 0),
  );
  const date = { year: year ?? 0, month: month ?? 0, day: day ?? 0 };
  if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > daysInMonth(date.year, date.month)) {
    throw new Unsupported(`${what} value ${text}`);
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
  if (instant === null) throw new Unsupported(`${what} value ${text}`);
  return { kind: "moment", instant };
}

function knownZone(tzid: string, what: string): string {
  try {
    return canonicalTimeZone(tzid);
  } catch {
    throw new Unsupported(`${what} TZID ${tzid}`);
  }
}

/** An EXDATE names this occurrence: the same day (a date), or the same start (a moment). */
function matches(time: RuleTime, start: Date, date: LocalDate): boolean {
  if (time.kind === "moment") return time.instant.getTime() === start.getTime();
  return daysBetween(time.date, date) === 0;
}

/** UNTIL is inclusive: a date covers that whole day; a moment, occurrences starting at or before it. */
function notAfter(until: RuleTime, start: Date, date: LocalDate): boolean {
  if (until.kind === "moment") return start.getTime() <= until.instant.getTime();
  return daysBetween(date, until.date) >= 0;
}

function dateOf(text: string): LocalDate {
  const [year, month, day] = text.split("-").map(Number);
  return { year: year ?? 1970, month: month ?? 1, day: day ?? 1 };
}
