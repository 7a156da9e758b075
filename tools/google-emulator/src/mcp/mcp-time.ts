/**
 * Times as the MCP tools take them: ISO 8601 local time without an offset (read in the call's
 * `timeZone`, else the calendar's zone) or with one. When `timeZone` is given it "overrides
 * offsets in start_time and end_time" (reference §2.5), so the wall clock is read in that zone.
 */

import {
  isValidTimeZone,
  type LocalDateTime,
  localToInstant,
  parseDate,
  parseInstant,
  parseLocalDateTime,
} from "../calendar/calendar-time.ts";
import { toolFailures } from "./mcp-errors.ts";

const OFFSET_SUFFIX = /([Zz]|[+-]\d{2}:\d{2})$/;

export function readZone(zone: unknown, fallback: string): string {
  if (zone === undefined) return fallback;
  if (!isValidTimeZone(zone)) throw toolFailures.invalidArgument(`Invalid time zone: ${String(zone)}`);
  return zone as string;
}

function wallClock(value: string): LocalDateTime | null {
  const withoutOffset = value.replace(OFFSET_SUFFIX, "");
  const date = parseDate(withoutOffset);
  if (date !== null) {
    const [year, month, day] = date.split("-").map(Number) as [number, number, number];
    return { year, month, day, hour: 0, minute: 0, second: 0 };
  }
  return parseLocalDateTime(withoutOffset);
}

/**
 * The instant `value` names. `explicitZone` is the call's `timeZone` argument (it wins over an
 * offset); `fallbackZone` reads offset-less values when there is none.
 */
export function readInstant(
  value: string,
  field: string,
  explicitZone: string | null,
  fallbackZone: string,
): number {
  const local = wallClock(value);
  if (local === null) throw toolFailures.invalidArgument(`Invalid ${field}: ${value}`);
  if (explicitZone === null && OFFSET_SUFFIX.test(value)) {
    const instant = parseInstant(value);
    if (instant !== null) return instant;
  }
  return localToInstant(local, explicitZone ?? fallbackZone);
}

/** The calendar date (`YYYY-MM-DD`) an all-day `startTime`/`endTime` names. */
export function readDate(value: string, field: string): string {
  const local = wallClock(value);
  if (local === null) throw toolFailures.invalidArgument(`Invalid ${field}: ${value}`);
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${String(local.year).padStart(4, "0")}-${pad(local.month)}-${pad(local.day)}`;
}
