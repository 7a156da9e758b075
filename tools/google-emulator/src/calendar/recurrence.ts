/**
 * Expansion of a recurrence set into occurrence starts. Rules run on the wall clock of the
 * event's time zone, so a 09:00 meeting stays at 09:00 across DST changes, as in Google.
 * Expansion is always bounded: by the query window, by a maximum count and by a hard cap on
 * the periods walked, so a rule that never matches cannot spin.
 */

import { addDays, daysInMonth, formatLocalDate, instantToLocal, localToInstant } from "./calendar-time.ts";
import type { RecurrenceRule, RecurrenceSet, RuleTime } from "./recurrence-rule.ts";

export type OccurrenceStart = { kind: "date"; date: string } | { kind: "instant"; instant: number };

/** Where a series begins: a date (all-day) or an instant, with the zone its rules run in. */
export type SeriesStart =
  | { kind: "date"; date: string; zone: string }
  | { kind: "instant"; instant: number; zone: string };

export interface ExpandLimits {
  /** Stop at the first occurrence starting at or after this instant. */
  startBefore: number;
  /** Occurrences starting before this instant are skipped (they still count for COUNT). */
  skipBefore: number;
  /** At most this many occurrences are returned. */
  max: number;
}

/** Periods (days, weeks, months, years) walked per rule before giving up. */
const MAX_PERIODS = 20_000;

function weekday(date: string): number {
  return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
}

function dateOf(year: number, month: number, day: number): string {
  return formatLocalDate({ year, month, day });
}

function applySetPos(days: number[], setPos: readonly number[]): number[] {
  if (setPos.length === 0) return days;
  const picked = setPos.map((p) => (p > 0 ? days[p - 1] : days[days.length + p]));
  return [...new Set(picked.filter((d): d is number => d !== undefined))].sort((a, b) => a - b);
}

/** Days of one month selected by BYDAY / BYMONTHDAY (or the series' own day of month). */
function monthDays(year: number, month: number, rule: RecurrenceRule, defaultDay: number): number[] {
  const dim = daysInMonth(year, month);
  const resolvedMonthDays = rule.byMonthDay
    .map((d) => (d > 0 ? d : dim + d + 1))
    .filter((d) => d >= 1 && d <= dim);
  let days: number[];
  if (rule.byDay.length > 0) {
    days = [];
    for (const by of rule.byDay) {
      const matching: number[] = [];
      for (let d = 1; d <= dim; d++) if (weekday(dateOf(year, month, d)) === by.weekday) matching.push(d);
      if (by.ordinal === null) days.push(...matching);
      else {
        const day = by.ordinal > 0 ? matching[by.ordinal - 1] : matching[matching.length + by.ordinal];
        if (day !== undefined) days.push(day);
      }
    }
    if (rule.byMonthDay.length > 0) days = days.filter((d) => resolvedMonthDays.includes(d));
  } else if (rule.byMonthDay.length > 0) {
    days = resolvedMonthDays;
  } else {
    days = defaultDay <= dim ? [defaultDay] : [];
  }
  return [...new Set(days)].sort((a, b) => a - b);
}

/** The candidate dates of period `k` of a rule, ascending. */
function periodDates(rule: RecurrenceRule, first: string, k: number): string[] {
  const [y, m, d] = first.split("-").map(Number) as [number, number, number];
  const step = k * rule.interval;
  switch (rule.freq) {
    case "DAILY": {
      const date = addDays(first, step);
      const [, month, day] = date.split("-").map(Number) as [number, number, number];
      if (rule.byMonth.length > 0 && !rule.byMonth.includes(month)) return [];
      if (rule.byDay.length > 0 && !rule.byDay.some((b) => b.weekday === weekday(date))) return [];
      if (rule.byMonthDay.length > 0) {
        const dim = daysInMonth(Number(date.slice(0, 4)), month);
        if (!rule.byMonthDay.some((md) => (md > 0 ? md : dim + md + 1) === day)) return [];
      }
      return [date];
    }
    case "WEEKLY": {
      const weekStart = addDays(first, -((weekday(first) - rule.weekStart + 7) % 7) + 7 * step);
      const weekdays = rule.byDay.length > 0 ? rule.byDay.map((b) => b.weekday) : [weekday(first)];
      const offsets = [...new Set(weekdays.map((w) => (w - rule.weekStart + 7) % 7))].sort((a, b) => a - b);
      const dates = offsets
        .map((o) => addDays(weekStart, o))
        .filter((date) => rule.byMonth.length === 0 || rule.byMonth.includes(Number(date.slice(5, 7))));
      return applySetPos(
        dates.map((_, i) => i + 1),
        rule.bySetPos,
      ).map((i) => dates[i - 1] as string);
    }
    case "MONTHLY": {
      const index = y * 12 + (m - 1) + step;
      const year = Math.floor(index / 12);
      const month = (index % 12) + 1;
      if (rule.byMonth.length > 0 && !rule.byMonth.includes(month)) return [];
      return applySetPos(monthDays(year, month, rule, d), rule.bySetPos).map((day) =>
        dateOf(year, month, day),
      );
    }
    case "YEARLY": {
      const year = y + step;
      const expand = rule.byDay.length > 0 || rule.byMonthDay.length > 0;
      const months =
        rule.byMonth.length > 0 ? rule.byMonth : expand ? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] : [m];
      const dates: string[] = [];
      for (const month of [...months].sort((a, b) => a - b)) {
        for (const day of monthDays(year, month, rule, d)) dates.push(dateOf(year, month, day));
      }
      return applySetPos(
        dates.map((_, i) => i + 1),
        rule.bySetPos,
      ).map((i) => dates[i - 1] as string);
    }
  }
}

function occurrenceInstant(start: SeriesStart, date: string): number {
  if (start.kind === "date")
    return localToInstant({ ...splitDate(date), hour: 0, minute: 0, second: 0 }, start.zone);
  const clock = instantToLocal(start.instant, start.zone);
  return localToInstant(
    { ...splitDate(date), hour: clock.hour, minute: clock.minute, second: clock.second },
    start.zone,
  );
}

function splitDate(date: string): { year: number; month: number; day: number } {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return { year, month, day };
}

function seriesDate(start: SeriesStart): string {
  return start.kind === "date" ? start.date : formatLocalDate(instantToLocal(start.instant, start.zone));
}

function matchesTime(time: RuleTime, date: string, instant: number, allDay: boolean): boolean {
  if (time.kind === "date") return time.date === date;
  return allDay ? new Date(time.instant).toISOString().slice(0, 10) === date : time.instant === instant;
}

function withinUntil(until: RuleTime | null, date: string, instant: number): boolean {
  if (until === null) return true;
  return until.kind === "date" ? date <= until.date : instant <= until.instant;
}

function toOccurrence(start: SeriesStart, date: string, instant: number): OccurrenceStart {
  return start.kind === "date" ? { kind: "date", date } : { kind: "instant", instant };
}

function expandRule(
  rule: RecurrenceRule,
  start: SeriesStart,
  exDates: RuleTime[],
  limits: ExpandLimits,
): Map<number, OccurrenceStart> {
  const out = new Map<number, OccurrenceStart>();
  const first = seriesDate(start);
  let generated = 0;
  const skipDate = Number.isFinite(limits.skipBefore)
    ? new Date(Math.max(limits.skipBefore - 2 * 86_400_000, -62_135_596_800_000)).toISOString().slice(0, 10)
    : "";
  for (let k = 0; k < MAX_PERIODS; k++) {
    // RFC 5545: DTSTART is always the first instance, whether or not the rule selects it.
    const dates =
      k === 0
        ? [first, ...periodDates(rule, first, 0).filter((x) => x > first)]
        : periodDates(rule, first, k);
    for (const date of dates) {
      if (date < first) continue;
      if (date.slice(0, 4) > "9998" || (rule.count !== null && generated >= rule.count)) return out;
      generated += 1;
      // Far before the window: count it for COUNT but skip the zone arithmetic.
      if (date < skipDate && rule.until === null) continue;
      const instant = occurrenceInstant(start, date);
      if (!withinUntil(rule.until, date, instant) || instant >= limits.startBefore) return out;
      if (instant < limits.skipBefore) continue;
      if (exDates.some((ex) => matchesTime(ex, date, instant, start.kind === "date"))) continue;
      out.set(instant, toOccurrence(start, date, instant));
      if (out.size >= limits.max) return out;
    }
  }
  return out;
}

/** Occurrence starts of a series in ascending order, bounded by `limits`. */
export function expandRecurrence(
  set: RecurrenceSet,
  start: SeriesStart,
  limits: ExpandLimits,
): OccurrenceStart[] {
  const all = new Map<number, OccurrenceStart>();
  for (const rule of set.rules) {
    for (const [instant, occurrence] of expandRule(rule, start, set.exDates, limits))
      all.set(instant, occurrence);
  }
  const firstInstant = start.kind === "date" ? occurrenceInstant(start, start.date) : start.instant;
  if (set.rules.length === 0 && firstInstant >= limits.skipBefore && firstInstant < limits.startBefore) {
    all.set(firstInstant, toOccurrence(start, seriesDate(start), firstInstant));
  }
  for (const rdate of set.rDates) {
    const date =
      rdate.kind === "date" ? rdate.date : formatLocalDate(instantToLocal(rdate.instant, start.zone));
    const instant =
      rdate.kind === "instant" && start.kind === "instant" ? rdate.instant : occurrenceInstant(start, date);
    if (instant < limits.skipBefore || instant >= limits.startBefore) continue;
    if (set.exDates.some((ex) => matchesTime(ex, date, instant, start.kind === "date"))) continue;
    all.set(instant, toOccurrence(start, date, instant));
  }
  return [...all.entries()]
    .sort(([a], [b]) => a - b)
    .slice(0, limits.max)
    .map(([, occurrence]) => occurrence);
}
