/**
 * Recurring events seen as occurrences: instance ids (`<seriesId>_<UTC start>`), instance
 * times, and the expansion of a series over a window. Shared by events.list, events.get on an
 * instance id, and freeBusy.
 */

import type { CalendarRecord, EventTime, StoredEvent } from "./calendar-store.ts";
import { addDays, compactUtc, dateStartInstant, daysBetween } from "./calendar-time.ts";
import { expandRecurrence, type OccurrenceStart, type SeriesStart } from "./recurrence.ts";
import { parseRecurrence, parseRuleTime } from "./recurrence-rule.ts";

/** The instants an event occupies, all-day events read in the calendar's zone. */
export interface Span {
  start: number;
  end: number;
}

/** The latest instant the emulator reasons about (end of year 9999). */
export const END_OF_TIME = Date.UTC(9999, 11, 31, 23, 59, 59);

export function spanOf(start: EventTime, end: EventTime, calendarZone: string): Span {
  const at = (time: EventTime): number =>
    time.kind === "date" ? dateStartInstant(time.date, calendarZone) : time.instant;
  return { start: at(start), end: at(end) };
}

export function overlaps(span: Span, windowStart: number | null, windowEnd: number | null): boolean {
  return (windowStart === null || span.end > windowStart) && (windowEnd === null || span.start < windowEnd);
}

function seriesStart(series: StoredEvent, calendarZone: string): SeriesStart {
  const start = series.start;
  return start.kind === "date"
    ? { kind: "date", date: start.date, zone: calendarZone }
    : { kind: "instant", instant: start.instant, zone: start.timeZone ?? calendarZone };
}

export function instanceId(seriesId: string, occurrence: OccurrenceStart): string {
  const suffix =
    occurrence.kind === "date" ? occurrence.date.replaceAll("-", "") : compactUtc(occurrence.instant);
  return `${seriesId}_${suffix}`;
}

/** Start and end of one occurrence, keeping the series' duration and zones. */
export function instanceTimes(
  series: StoredEvent,
  occurrence: OccurrenceStart,
): { start: EventTime; end: EventTime } {
  if (occurrence.kind === "date" && series.start.kind === "date" && series.end.kind === "date") {
    const days = daysBetween(series.start.date, series.end.date);
    return {
      start: { kind: "date", date: occurrence.date },
      end: { kind: "date", date: addDays(occurrence.date, days) },
    };
  }
  const s = series.start;
  const e = series.end;
  const instant = occurrence.kind === "instant" ? occurrence.instant : 0;
  const duration = s.kind === "dateTime" && e.kind === "dateTime" ? e.instant - s.instant : 0;
  return {
    start: { kind: "dateTime", instant, timeZone: s.kind === "dateTime" ? s.timeZone : null },
    end: {
      kind: "dateTime",
      instant: instant + duration,
      timeZone: e.kind === "dateTime" ? e.timeZone : null,
    },
  };
}

export interface Occurrence {
  id: string;
  start: OccurrenceStart;
  span: Span;
}

/** Occurrences of a series overlapping `[windowStart, windowEnd)`, at most `max` of them. */
export function occurrencesIn(
  series: StoredEvent,
  calendar: CalendarRecord,
  windowStart: number | null,
  windowEnd: number | null,
  max: number,
): Occurrence[] {
  const start = seriesStart(series, calendar.timeZone);
  const set = parseRecurrence(series.recurrence ?? [], start.zone);
  if (set === null) return [];
  const first = spanOf(series.start, series.end, calendar.timeZone);
  // An occurrence ending after windowStart began at most one duration (+ a DST hour) before it.
  const slack = first.end - first.start + 3_600_000;
  const occurrences = expandRecurrence(set, start, {
    startBefore: windowEnd ?? END_OF_TIME,
    skipBefore: windowStart === null ? Number.NEGATIVE_INFINITY : windowStart - slack,
    max: max + 2,
  });
  const out: Occurrence[] = [];
  for (const occurrence of occurrences) {
    const times = instanceTimes(series, occurrence);
    const span = spanOf(times.start, times.end, calendar.timeZone);
    if (!overlaps(span, windowStart, windowEnd)) continue;
    out.push({ id: instanceId(series.id, occurrence), start: occurrence, span });
    if (out.length >= max) break;
  }
  return out;
}

export interface InstanceRef {
  series: StoredEvent;
  start: OccurrenceStart;
  /** The stored exception when this occurrence was modified or cancelled. */
  exception: StoredEvent | null;
}

/** Resolves `<seriesId>_<suffix>` to an existing occurrence of a recurring event. */
export function findInstance(calendar: CalendarRecord, id: string): InstanceRef | null {
  const cut = id.lastIndexOf("_");
  if (cut <= 0) return null;
  const series = calendar.events.get(id.slice(0, cut));
  if (series === undefined || series.recurrence === null) return null;
  const exception = series.exceptions.get(id) ?? null;
  const suffix = id.slice(cut + 1);
  // The suffix is the original start in the basic format of recurrence rules (UTC for timed events).
  const original = parseRuleTime(suffix, "UTC");
  let wanted: OccurrenceStart | null = null;
  if (original?.kind === "date" && series.start.kind === "date") wanted = original;
  if (original?.kind === "instant" && series.start.kind === "dateTime" && suffix.endsWith("Z"))
    wanted = original;
  if (wanted === null) return null;
  if (exception !== null) return { series, start: wanted, exception };
  const at = wanted.kind === "date" ? dateStartInstant(wanted.date, calendar.timeZone) : wanted.instant;
  const found = occurrencesIn(series, calendar, at - 1, at + 1, 50).find((o) => o.id === id);
  return found === undefined ? null : { series, start: found.start, exception: null };
}
