import type { EventTime } from "./calendar.ts";
import { DomainError } from "./errors.ts";
import {
  addDays,
  daysInMonth,
  formatDate,
  formatInstant,
  formatLocal,
  formatOffset,
  type LocalDate,
  type LocalDateTime,
  zonedToInstant,
} from "./zoned-time.ts";

/** A time as a caller wrote it, validated but not yet tied to a zone. */
export type TimeInput =
  /** RFC 3339 with an offset: an instant on its own. */
  | { kind: "instant"; instant: Date; local: LocalDateTime; offsetMinutes: number }
  /** "2026-03-10T15:00[:00]": needs a time zone to become an instant. */
  | { kind: "local"; local: LocalDateTime }
  /** "2026-03-10": an all-day date. */
  | { kind: "date"; date: LocalDate };

export interface EventSpan {
  start: EventTime;
  end: EventTime;
  /** The span as instants; an all-day span runs from midnight to midnight in the zone. */
  interval: { start: Date; end: Date };
  allDay: boolean;
}

const WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const FORMATS =
  'RFC 3339 with an offset ("2026-03-10T15:00:00+01:00"), a local time with timeZone ("2026-03-10T15:00"), or a date ("2026-03-10")';

/** @throws DomainError invalid_argument naming `field` */
export function parseTimeInput(field: string, value: string): TimeInput {
  const text = value.trim();
  const offset = WITH_OFFSET.exec(text);
  if (offset !== null) {
    const local = checkedLocal(field, offset);
    if (Number(offset[10] ?? 0) > 23 || Number(offset[11] ?? 0) > 59)
      throw invalid(field, "has a malformed offset");
    const minutes =
      offset[8] !== undefined ? 0 : sign(offset[9]) * (Number(offset[10]) * 60 + Number(offset[11]));
    // Keep sub-second precision for bounds; event times are written whole seconds.
    const fraction = Math.round(Number(offset[7] ?? "0") * 1000);
    const instant = new Date(Date.parse(`${formatLocal(local)}${formatOffset(minutes)}`) + fraction);
    return { kind: "instant", instant, local, offsetMinutes: minutes };
  }
  const local = LOCAL.exec(text);
  if (local !== null) return { kind: "local", local: checkedLocal(field, local) };
  const date = DATE.exec(text);
  if (date !== null) {
    const { year, month, day } = checkedLocal(field, [...date, "00", "00", "00"]);
    return { kind: "date", date: { year, month, day } };
  }
  throw invalid(field, `must be ${FORMATS}; got "${value}"`);
}

/** Whether turning this input into an instant needs a time zone. */
export function needsZone(input: TimeInput): boolean {
  return input.kind !== "instant";
}

/**
 * The instant a bound (timeMin, timeMax) denotes; a date means its midnight in `zone`.
 * @throws DomainError invalid_argument
 */
export function toInstant(field: string, input: TimeInput, zone: string | undefined): Date {
  if (input.kind === "instant") return input.instant;
  if (zone === undefined) {
    throw invalid(field, "has no offset: add one (e.g. +01:00 or Z) or pass timeZone");
  }
  const local = input.kind === "local" ? input.local : { ...input.date, hour: 0, minute: 0, second: 0 };
  // A date's midnight may fall in a gap (some zones switch at 00:00): the day then starts later.
  const instant = zonedToInstant(local, zone, input.kind === "date" ? "shift" : "reject");
  if (instant === null) {
    throw invalid(
      field,
      `${formatLocal(local)} does not exist in ${zone} (the clocks skip it for daylight saving time)`,
    );
  }
  return instant;
}

/** Parse a bound such as timeMin: an RFC 3339 instant, a local time with `zone`, or a date. */
export function parseInstant(field: string, value: string, zone: string | undefined): Date {
  return toInstant(field, parseTimeInput(field, value), zone);
}

/**
 * Start and end of an event: both timed or both all-day, end after start.
 * `zone` (canonical IANA) is required for local times and all-day spans, and is recorded on
 * timed events so Google shows them, and expands their recurrences, in it.
 * @throws DomainError invalid_argument
 */
export function parseEventSpan(start: TimeInput, end: TimeInput, zone: string | undefined): EventSpan {
  if ((start.kind === "date") !== (end.kind === "date")) {
    throw new DomainError(
      "invalid_argument",
      "start and end must both be dates (all-day event) or both be date-times",
      { details: { field: "end" } },
    );
  }
  if (start.kind === "date" && end.kind === "date") {
    const interval = { start: toInstant("start", start, zone), end: toInstant("end", end, zone) };
    if (formatDate(end.date) <= formatDate(start.date)) {
      throw invalid("end", "must be after start; an all-day event's end date is exclusive (the next day)");
    }
    return {
      start: { date: formatDate(start.date) },
      end: { date: formatDate(end.date) },
      interval,
      allDay: true,
    };
  }
  const interval = { start: toInstant("start", start, zone), end: toInstant("end", end, zone) };
  if (interval.end.getTime() <= interval.start.getTime()) throw invalid("end", "must be after start");
  return {
    start: timedEventTime(start, interval.start, zone),
    end: timedEventTime(end, interval.end, zone),
    interval,
    allDay: false,
  };
}

/** An all-day date `days` later, as Google's `date` field. */
export function shiftDate(date: string, days: number): string {
  const [year, month, day] = date.split("-").map(Number);
  return formatDate(addDays({ year: year ?? 1970, month: month ?? 1, day: day ?? 1 }, days));
}

/** An EventTime as the instant it starts at; all-day dates need the zone they are read in. */
export function eventTimeInstant(time: EventTime, zone: string): Date {
  if ("dateTime" in time) return new Date(time.dateTime);
  const input = parseTimeInput("date", time.date);
  return toInstant("date", input, zone);
}

function timedEventTime(input: TimeInput, instant: Date, zone: string | undefined): EventTime {
  if (zone !== undefined) return { dateTime: formatInstant(instant, zone), timeZone: zone };
  // Without a zone only instants reach this point (toInstant refused the rest): keep the
  // offset the caller wrote.
  if (input.kind !== "instant") return { dateTime: formatInstant(instant) };
  return { dateTime: `${formatLocal(input.local)}${formatOffset(input.offsetMinutes)}` };
}

function checkedLocal(field: string, match: ArrayLike<string | undefined>): LocalDateTime {
  const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((index) => Number(match[index]));
  const second = Number(match[6] ?? "0");
  const local = {
    year: year ?? 0,
    month: month ?? 0,
    day: day ?? 0,
    hour: hour ?? 0,
    minute: minute ?? 0,
    second,
  };
  const valid =
    local.year >= 1000 &&
    local.month >= 1 &&
    local.month <= 12 &&
    local.day >= 1 &&
    local.day <= daysInMonth(local.year, local.month) &&
    local.hour <= 23 &&
    local.minute <= 59 &&
    local.second <= 59;
  if (!valid) throw invalid(field, `is not a real date and time ("${formatLocal(local)}")`);
  return local;
}

function sign(value: string | undefined): number {
  return value === "-" ? -1 : 1;
}

function invalid(field: string, problem: string): DomainError {
  return new DomainError("invalid_argument", `${field} ${problem}`, { details: { field } });
}
