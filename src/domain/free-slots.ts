import type { Interval } from "./calendar.ts";
import {
  addDays,
  daysBetween,
  isoWeekday,
  type LocalDate,
  offsetMinutes,
  zonedParts,
  zonedToInstant,
} from "./zoned-time.ts";

/** Hours of a working day, as wall-clock minutes since midnight in the zone. */
export interface WorkingHours {
  startMinute: number;
  /** Up to 1440 (24:00). */
  endMinute: number;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  days: number[];
}

export interface SlotSearch {
  window: Interval;
  /** Busy intervals of every calendar that counts, in any order, overlapping or not. */
  busy: Interval[];
  durationMinutes: number;
  /** Canonical IANA zone the working hours are read in. */
  zone: string;
  workingHours: WorkingHours;
  maxResults: number;
  /** Slot starts fall on multiples of this many wall-clock minutes. */
  alignMinutes?: number;
}

const MINUTE_MS = 60_000;

/**
 * Free slots of `durationMinutes` inside working hours, in time order. Working hours are read
 * in the zone day by day, so a DST change moves them with the wall clock. Slots do not
 * overlap: each starts on an aligned minute after the previous one ends.
 */
export function findFreeSlots(search: SlotSearch): Interval[] {
  const align = search.alignMinutes ?? 15;
  const durationMs = search.durationMinutes * MINUTE_MS;
  const busy = merge(search.busy);
  const slots: Interval[] = [];
  for (const day of workingDays(search)) {
    for (const free of subtract(day, busy)) {
      let start = alignUp(free.start, align, search.zone);
      while (start.getTime() + durationMs <= free.end.getTime()) {
        const end = new Date(start.getTime() + durationMs);
        slots.push({ start, end });
        if (slots.length >= search.maxResults) return slots;
        start = alignUp(end, align, search.zone);
      }
    }
  }
  return slots;
}

/** Working-hour intervals of each local day the window touches, clipped to the window. */
function workingDays(search: SlotSearch): Interval[] {
  const { window, zone, workingHours } = search;
  const first = localDate(window.start, zone);
  const last = localDate(window.end, zone);
  const days: Interval[] = [];
  for (let offset = 0; offset <= daysBetween(first, last); offset += 1) {
    const date = addDays(first, offset);
    if (!workingHours.days.includes(isoWeekday(date))) continue;
    const start = atMinute(date, workingHours.startMinute, zone);
    const end = atMinute(date, workingHours.endMinute, zone);
    const clipped = {
      start: new Date(Math.max(start.getTime(), window.start.getTime())),
      end: new Date(Math.min(end.getTime(), window.end.getTime())),
    };
    if (clipped.start < clipped.end) days.push(clipped);
  }
  return days;
}

/** The instant of a wall-clock minute on a date; a minute skipped by DST moves forward. */
function atMinute(date: LocalDate, minuteOfDay: number, zone: string): Date {
  const day = minuteOfDay >= 1440 ? addDays(date, 1) : date;
  const minute = minuteOfDay % 1440;
  const local = { ...day, hour: Math.floor(minute / 60), minute: minute % 60, second: 0 };
  // "shift" never answers null.
  return zonedToInstant(local, zone, "shift") ?? new Date(Number.NaN);
}

function localDate(instant: Date, zone: string): LocalDate {
  const { year, month, day } = zonedParts(instant, zone);
  return { year, month, day };
}

/** The first instant at or after `instant` whose wall-clock minute is a multiple of `align`. */
function alignUp(instant: Date, align: number, zone: string): Date {
  const offsetMs = offsetMinutes(instant, zone) * MINUTE_MS;
  const stepMs = align * MINUTE_MS;
  const local = instant.getTime() + offsetMs;
  const aligned = Math.ceil(local / stepMs) * stepMs - offsetMs;
  return new Date(aligned);
}

function merge(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start.getTime() - b.start.getTime());
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && interval.start <= last.end) {
      if (interval.end > last.end) last.end = interval.end;
    } else {
      merged.push({ start: interval.start, end: interval.end });
    }
  }
  return merged;
}

/** `range` minus the (merged, sorted) busy intervals. */
function subtract(range: Interval, busy: Interval[]): Interval[] {
  const free: Interval[] = [];
  let cursor = range.start;
  for (const interval of busy) {
    if (interval.end <= cursor) continue;
    if (interval.start >= range.end) break;
    if (interval.start > cursor) free.push({ start: cursor, end: interval.start });
    if (interval.end > cursor) cursor = interval.end;
  }
  if (cursor < range.end) free.push({ start: cursor, end: range.end });
  return free;
}
