/**
 * Validation of an event body's `start`/`end`, with the messages Google answers for each
 * mistake (missing end, local time without zone, mixed date/dateTime, end before start).
 */

import { calendarErrors } from "./calendar-errors.ts";
import type { EventTime } from "./calendar-store.ts";
import {
  formatInZone,
  isValidTimeZone,
  localToInstant,
  parseDate,
  parseInstant,
  parseLocalDateTime,
} from "./calendar-time.ts";

type Which = "start" | "end";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseTime(value: Record<string, unknown>, which: Which): EventTime {
  const zone = value.timeZone;
  if (zone !== undefined && zone !== null && !isValidTimeZone(zone)) {
    throw calendarErrors.invalid(`Invalid time zone definition for ${which} time.`);
  }
  const timeZone = typeof zone === "string" ? zone : null;
  const hasDate = value.date !== undefined && value.date !== null;
  const hasDateTime = value.dateTime !== undefined && value.dateTime !== null;
  if (hasDate && hasDateTime) throw calendarErrors.badRequest();
  if (hasDate) {
    const date = parseDate(value.date);
    if (date === null) throw calendarErrors.invalid(`Invalid ${which} time.`);
    return { kind: "date", date };
  }
  const instant = parseInstant(value.dateTime);
  if (instant !== null) return { kind: "dateTime", instant, timeZone };
  const local = parseLocalDateTime(value.dateTime);
  if (local === null) throw calendarErrors.invalid(`Invalid ${which} time.`);
  if (timeZone === null) throw calendarErrors.required(`Missing time zone definition for ${which} time.`);
  return { kind: "dateTime", instant: localToInstant(local, timeZone), timeZone };
}

function isEmptyTime(value: unknown): boolean {
  return (
    !isObject(value) ||
    ((value.date === undefined || value.date === null) &&
      (value.dateTime === undefined || value.dateTime === null))
  );
}

/**
 * `start`/`end` of a full event body (insert, update, or a patch merged onto the event).
 * Recurring events also need `start.timeZone`: rules cannot run on a bare offset.
 */
export function readEventTimes(
  body: Record<string, unknown>,
  recurring: boolean,
): { start: EventTime; end: EventTime } {
  if (isEmptyTime(body.end)) throw calendarErrors.required("Missing end time.");
  if (isEmptyTime(body.start)) {
    throw calendarErrors.invalid("Start and end times must either both be date or both be dateTime.");
  }
  const startRaw = body.start as Record<string, unknown>;
  const start = parseTime(startRaw, "start");
  const end = parseTime(body.end as Record<string, unknown>, "end");
  if (start.kind !== end.kind) {
    throw calendarErrors.invalid("Start and end times must either both be date or both be dateTime.");
  }
  if (recurring && start.kind === "dateTime" && start.timeZone === null) {
    throw calendarErrors.required("Missing time zone definition for start time.");
  }
  const empty =
    start.kind === "date" && end.kind === "date"
      ? end.date <= start.date
      : start.kind === "dateTime" && end.kind === "dateTime" && end.instant < start.instant;
  if (empty) throw calendarErrors.timeRangeEmpty(false);
  return { start, end };
}

/** The writable JSON form of a stored time, used as the base a patch is merged onto. */
export function timeToJson(time: EventTime, calendarZone: string): Record<string, unknown> {
  if (time.kind === "date") return { date: time.date };
  const out: Record<string, unknown> = {
    dateTime: formatInZone(time.instant, time.timeZone ?? calendarZone),
  };
  if (time.timeZone !== null) out.timeZone = time.timeZone;
  return out;
}

/** Google's wire form of a time: `dateTime` in the response zone, the event's own zone kept. */
export function renderTime(time: EventTime, responseZone: string): Record<string, unknown> {
  if (time.kind === "date") return { date: time.date };
  const out: Record<string, unknown> = { dateTime: formatInZone(time.instant, responseZone) };
  if (time.timeZone !== null) out.timeZone = time.timeZone;
  return out;
}

export function sameTime(a: EventTime, b: EventTime): boolean {
  if (a.kind === "date" || b.kind === "date")
    return a.kind === b.kind && JSON.stringify(a) === JSON.stringify(b);
  return a.instant === b.instant && a.timeZone === b.timeZone;
}
