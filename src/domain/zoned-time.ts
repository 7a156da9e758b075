import { DomainError } from "./errors.ts";

/** A wall-clock reading with no zone attached. Months are 1-12. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** A wall-clock reading in a zone, with its ISO weekday (1 = Monday … 7 = Sunday). */
export interface ZonedParts extends LocalDateTime {
  weekday: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

// Building an Intl formatter is costly; the set of zones in use is small.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let found = formatters.get(zone);
  if (found === undefined) {
    found = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      weekday: "short",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, found);
  }
  return found;
}

/**
 * The canonical IANA name of `zone` ("europe/madrid" → "Europe/Madrid").
 * Fixed offsets ("+01:00") are refused: Google wants a zone name, and offsets know no DST.
 * @throws DomainError invalid_argument naming `field`
 */
export function canonicalTimeZone(zone: string, field = "timeZone"): string {
  const unknown = new DomainError(
    "invalid_argument",
    `${field} "${zone}" is not a known IANA time zone (e.g. "Europe/Madrid", "America/New_York", "UTC")`,
    { details: { field } },
  );
  if (zone.trim() === "" || /^[+-]/.test(zone)) throw unknown;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw unknown;
  }
}

/** The wall-clock reading of `instant` in `zone` (a canonical zone name). */
export function zonedParts(instant: Date, zone: string): ZonedParts {
  const offset = steadyOffsetMinutes(instant.getTime(), zone);
  return offset === null ? formattedParts(instant, zone) : shiftedParts(instant.getTime(), offset);
}

/** The wall-clock reading `offset` minutes ahead of UTC at `ms`. */
function shiftedParts(ms: number, offset: number): ZonedParts {
  const local = new Date(ms + offset * MINUTE_MS);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    weekday: local.getUTCDay() === 0 ? 7 : local.getUTCDay(),
  };
}

/** Minutes `zone` is ahead of UTC at `instant` (Madrid in summer: 120). */
export function offsetMinutes(instant: Date, zone: string): number {
  return (
    steadyOffsetMinutes(instant.getTime(), zone) ??
    Math.round(exactOffsetMs(instant.getTime(), zone) / MINUTE_MS)
  );
}

/**
 * Asking Intl for a reading (formatToParts) is the costliest step of rendering an event's times,
 * and a page of events asks it for many instants of one zone. Offsets change only at a zone's
 * transitions, a few times a year, so the offset is asked once per zone and span of
 * OFFSET_SPAN_MS: when it is the same whole number of minutes at the span's first and last
 * second, it holds for the whole span (no zone has two transitions that cancel within six hours).
 * Spans holding a transition, or historical offsets with seconds, answer null: those instants
 * are read from Intl one by one.
 */
const OFFSET_SPAN_MS = 6 * 3_600_000;
const MAX_CACHED_SPANS = 8192;
/** Per zone, per span: keyed by number, so a lookup builds no string. */
const steadyOffsets = new Map<string, Map<number, number | null>>();
let cachedSpans = 0;

function steadyOffsetMinutes(ms: number, zone: string): number | null {
  const span = Math.floor(ms / OFFSET_SPAN_MS);
  let spans = steadyOffsets.get(zone);
  let offset = spans?.get(span);
  if (offset === undefined) {
    const first = exactOffsetMs(span * OFFSET_SPAN_MS, zone);
    const last = exactOffsetMs((span + 1) * OFFSET_SPAN_MS - 1000, zone);
    offset = first === last && first % MINUTE_MS === 0 ? first / MINUTE_MS : null;
    if (cachedSpans >= MAX_CACHED_SPANS) {
      steadyOffsets.clear();
      cachedSpans = 0;
      spans = undefined;
    }
    if (spans === undefined) {
      spans = new Map();
      steadyOffsets.set(zone, spans);
    }
    spans.set(span, offset);
    cachedSpans += 1;
  }
  return offset;
}

/** How far `zone`'s wall clock is ahead of UTC at `ms`, to the second, as Intl reads it. */
function exactOffsetMs(ms: number, zone: string): number {
  const wholeSecond = Math.floor(ms / 1000) * 1000;
  return localAsUtc(formattedParts(new Date(wholeSecond), zone)) - wholeSecond;
}

function formattedParts(instant: Date, zone: string): ZonedParts {
  const values: Record<string, string> = {};
  for (const part of formatter(zone).formatToParts(instant)) values[part.type] = part.value;
  return {
    year: Number(values.year),
    month: Number(values.month),
    day: Number(values.day),
    hour: Number(values.hour),
    minute: Number(values.minute),
    second: Number(values.second),
    weekday: WEEKDAYS[values.weekday ?? ""] ?? 0,
  };
}

/**
 * The instant a wall-clock reading denotes in `zone`. In a fall-back overlap the earlier
 * instant wins (as RFC 5545 says); in a spring-forward gap the reading does not exist, and
 * `gap` decides: "reject" answers null, "shift" moves it forward by the gap (02:30 → 03:30).
 */
export function zonedToInstant(local: LocalDateTime, zone: string, gap: "reject" | "shift"): Date | null {
  const asUtc = localAsUtc(local);
  // Offsets a day either side bracket any single transition near this reading.
  const before = offsetMinutes(new Date(asUtc - DAY_MS), zone);
  const after = offsetMinutes(new Date(asUtc + DAY_MS), zone);
  const candidates = [...new Set([before, after])]
    .map((offset) => asUtc - offset * MINUTE_MS)
    .filter((candidate) => localAsUtc(zonedParts(new Date(candidate), zone)) === asUtc)
    .sort((a, b) => a - b);
  const first = candidates[0];
  if (first !== undefined) return new Date(first);
  return gap === "shift" ? new Date(asUtc - before * MINUTE_MS) : null;
}

/** RFC 3339 in `zone`'s offset at that instant ("2026-03-30T09:00:00+02:00"); UTC ("…Z") without a zone. */
export function formatInstant(instant: Date, zone?: string): string {
  const wholeSecond = new Date(Math.floor(instant.getTime() / 1000) * 1000);
  if (zone === undefined) return wholeSecond.toISOString().replace(".000Z", "Z");
  // One offset lookup serves both the reading and its offset.
  const offset = steadyOffsetMinutes(wholeSecond.getTime(), zone);
  if (offset !== null) {
    const local = wholeSecond.getTime() + offset * MINUTE_MS;
    // toISOString writes the reading itself for four-digit years ("…T09:00:00.000Z"): a page of
    // events formats dozens of times, and this skips building and padding each part.
    if (local >= FIRST_ISO_MS && local < PAST_ISO_MS) {
      return `${new Date(local).toISOString().slice(0, 19)}${formatOffset(offset)}`;
    }
    return `${formatLocal(shiftedParts(wholeSecond.getTime(), offset))}${formatOffset(offset)}`;
  }
  return `${formatLocal(formattedParts(wholeSecond, zone))}${formatOffset(offsetMinutes(wholeSecond, zone))}`;
}

/** "2026-03-30T09:00:00" */
export function formatLocal(local: LocalDateTime): string {
  return `${formatDate(local)}T${pad(local.hour)}:${pad(local.minute)}:${pad(local.second)}`;
}

/** "2026-03-30" */
export function formatDate(date: LocalDate): string {
  return `${String(date.year).padStart(4, "0")}-${pad(date.month)}-${pad(date.day)}`;
}

/** Years 0000–9999, which toISOString writes with four digits. */
const FIRST_ISO_MS = Date.parse("0000-01-01T00:00:00Z");
const PAST_ISO_MS = Date.parse("+010000-01-01T00:00:00Z");

/** "+02:00", "-05:30", "Z" for zero. */
export function formatOffset(minutes: number): string {
  if (minutes === 0) return "Z";
  const sign = minutes < 0 ? "-" : "+";
  const absolute = Math.abs(minutes);
  return `${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`;
}

/** The calendar date `days` after `date` (negative goes back). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY_MS);
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

/** Whole days from `from` to `to`. */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round(
    (Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / DAY_MS,
  );
}

/** ISO weekday of a calendar date (1 = Monday … 7 = Sunday). */
export function isoWeekday(date: LocalDate): number {
  const day = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return day === 0 ? 7 : day;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The reading's numbers taken as if they were UTC: a zone-free way to compare readings. */
function localAsUtc(local: LocalDateTime): number {
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}
