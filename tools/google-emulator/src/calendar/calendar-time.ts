/**
 * Time arithmetic for the Calendar emulator: RFC 3339 parsing, IANA zone offsets through `Intl`
 * (Bun ships full ICU), and the exact string shapes Google answers with.
 */

/** A wall-clock reading without a zone: what `2024-03-10T09:30:00` means in some calendar. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Whether these fields name a real moment (no 31 February, no hour 24). */
export function validParts(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): boolean {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59)
    return false;
  return day >= 1 && day <= daysInMonth(year, month);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** An RFC 3339 timestamp with a mandatory offset → epoch ms (milliseconds ignored, as Google does). */
export function parseInstant(value: unknown): number | null {
  if (typeof value !== "string") return null;
  const m = WITH_OFFSET.exec(value);
  if (m === null) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (!validParts(y, mo, d, h, mi, s)) return null;
  const offset = m[8] ?? "Z";
  let offsetMinutes = 0;
  if (offset !== "Z" && offset !== "z") {
    const sign = offset.startsWith("-") ? -1 : 1;
    offsetMinutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  }
  return Date.UTC(y, mo - 1, d, h, mi, s) - offsetMinutes * 60_000;
}

/** A `dateTime` without offset (`2024-03-10T09:30:00`), to be read in some time zone. */
export function parseLocalDateTime(value: unknown): LocalDateTime | null {
  if (typeof value !== "string") return null;
  const m = LOCAL.exec(value);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return validParts(year, month, day, hour, minute, second)
    ? { year, month, day, hour, minute, second }
    : null;
}

/** A calendar date `YYYY-MM-DD` (all-day events), validated. */
export function parseDate(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const m = DATE_ONLY.exec(value);
  if (m === null) return null;
  return validParts(Number(m[1]), Number(m[2]), Number(m[3])) ? value : null;
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(zone: string): Intl.DateTimeFormat | null {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat("en-US", {
        timeZone: zone,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      });
    } catch {
      formatter = null;
    }
    formatters.set(zone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(zone: unknown): zone is string {
  return typeof zone === "string" && zone !== "" && formatterFor(zone) !== null;
}

/** The wall clock of `zone` at an instant. Unknown zones read as UTC (callers validate first). */
export function instantToLocal(instant: number, zone: string): LocalDateTime {
  const formatter = formatterFor(zone);
  if (formatter === null) return utcParts(instant);
  return utcParts(instant + zoneOffsetMs(formatter, zone, instant));
}

/** Zone offsets by zone and minute: Intl's formatToParts is most of what listing events costs. */
const offsets = new Map<string, number>();
const MAX_CACHED_OFFSETS = 100_000;

/**
 * The offset (ms, whole seconds) of `zone` at `instant`. Cached per minute only when the minute
 * starts and ends on the same offset: transitions fall on whole seconds, not always whole minutes
 * (Monrovia left -00:44:30 for GMT in 1972), and those minutes are never cached.
 */
function zoneOffsetMs(formatter: Intl.DateTimeFormat, zone: string, instant: number): number {
  const minute = Math.floor(instant / 60_000) * 60_000;
  const key = `${zone}\0${minute}`;
  const cached = offsets.get(key);
  if (cached !== undefined) return cached;
  const offset = formattedOffsetMs(formatter, minute);
  if (formattedOffsetMs(formatter, minute + 59_000) !== offset) {
    return formattedOffsetMs(formatter, Math.floor(instant / 1000) * 1000);
  }
  if (offsets.size >= MAX_CACHED_OFFSETS) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

function formattedOffsetMs(formatter: Intl.DateTimeFormat, wholeSecond: number): number {
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(wholeSecond))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  // Not Date.UTC: it reads years 0-99 as 1900-1999.
  const local = new Date(0);
  local.setUTCFullYear(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1);
  local.setUTCHours(parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0, 0);
  return local.getTime() - wholeSecond;
}

function utcParts(instant: number): LocalDateTime {
  const d = new Date(instant);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

function localAsUtc(local: LocalDateTime): number {
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
}

/** Offset of `zone` from UTC at an instant, in minutes (Madrid in winter: 60). */
export function offsetMinutes(instant: number, zone: string): number {
  const wholeSecond = Math.floor(instant / 1000) * 1000;
  return Math.round((localAsUtc(instantToLocal(wholeSecond, zone)) - wholeSecond) / 60_000);
}

/**
 * The instant a wall-clock time denotes in `zone`. In a DST gap the clock is pushed forward;
 * in an overlap the earlier instant wins, as in RFC 5545.
 */
export function localToInstant(local: LocalDateTime, zone: string): number {
  const asUtc = localAsUtc(local);
  const first = asUtc - offsetMinutes(asUtc, zone) * 60_000;
  const second = asUtc - offsetMinutes(first, zone) * 60_000;
  if (first === second) return first;
  const candidates = [Math.min(first, second), Math.max(first, second)];
  const exact = candidates.find((c) => localAsUtc(instantToLocal(c, zone)) === asUtc);
  return exact ?? Math.max(first, second);
}

/** Midnight of a `YYYY-MM-DD` date in `zone`. */
export function dateStartInstant(date: string, zone: string): number {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return localToInstant({ year, month, day, hour: 0, minute: 0, second: 0 }, zone);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

function isUtcZone(zone: string): boolean {
  return zone === "UTC" || zone === "Etc/UTC" || zone === "GMT" || zone === "Etc/GMT" || zone === "Z";
}

/** An event `dateTime` as Google renders it: whole seconds in the zone's offset (`Z` for UTC). */
export function formatInZone(instant: number, zone: string): string {
  const local = instantToLocal(instant, zone);
  const base = `${pad(local.year, 4)}-${pad(local.month)}-${pad(local.day)}T${pad(local.hour)}:${pad(local.minute)}:${pad(local.second)}`;
  if (isUtcZone(zone)) return `${base}Z`;
  const offset = offsetMinutes(instant, zone);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${base}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** `created`/`updated` style: UTC with milliseconds (`2024-03-10T09:30:00.123Z`). */
export function formatUtcMillis(instant: number): string {
  return new Date(instant).toISOString();
}

/** `freeBusy` busy bounds without a `timeZone`: UTC, whole seconds (`2024-03-10T09:30:00Z`). */
export function formatUtcSeconds(instant: number): string {
  return `${new Date(Math.floor(instant / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** `YYYY-MM-DD` plus `days`. */
export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (both `YYYY-MM-DD`). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

export function formatLocalDate(local: Pick<LocalDateTime, "year" | "month" | "day">): string {
  return `${pad(local.year, 4)}-${pad(local.month)}-${pad(local.day)}`;
}

/** Instance-id suffix of a timed occurrence: its UTC start, `20240310T083000Z`. */
export function compactUtc(instant: number): string {
  return new Date(instant).toISOString().replace(/[-:]/g, "").slice(0, 15).concat("Z");
}
