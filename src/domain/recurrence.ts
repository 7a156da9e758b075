import type { Interval } from "./calendar.ts";
import type { EventSpan } from "./event-times.ts";
import { type Rule, type RuleTime, readLines, UnsupportedRecurrence } from "./recurrence-rule.ts";
import {
  addDays,
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
    if (!(error instanceof UnsupportedRecurrence)) throw error;
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
