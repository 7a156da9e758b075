/**
 * Query-string parameters read the way Google's API front end reads them, with its messages
 * for values that are not booleans, integers, timestamps or members of an enum.
 */

import { calendarErrors } from "./calendar-errors.ts";
import { isValidTimeZone, parseInstant } from "./calendar-time.ts";

export type Query = (name: string) => string | undefined;

export function readBoolean(query: Query, name: string): boolean {
  const raw = query(name);
  if (raw === undefined || raw === "") return false;
  const lower = raw.toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  throw calendarErrors.invalidParameter(name, `Invalid boolean value: '${raw}'.`);
}

export function readInteger(query: Query, name: string, fallback: number, min: number, max: number): number {
  const raw = query(name);
  if (raw === undefined || raw === "") return fallback;
  if (!/^-?\d+$/.test(raw)) throw calendarErrors.invalidParameter(name, `Invalid integer value: '${raw}'.`);
  const value = Number(raw);
  if (value < min) {
    throw calendarErrors.invalidParameter(
      name,
      `Invalid value '${raw}'. Values must be within the range: [${min}, ${max}]`,
    );
  }
  // Google caps page sizes silently ("can never be larger than 2500").
  return Math.min(value, max);
}

export function readEnum(query: Query, name: string, allowed: readonly string[]): string | null {
  const raw = query(name);
  if (raw === undefined || raw === "") return null;
  if (!allowed.includes(raw)) {
    throw calendarErrors.invalidParameter(
      name,
      `Invalid value '${raw}'. Values must match the following regular expression: '${allowed.join("|")}'`,
    );
  }
  return raw;
}

/** `timeMin`/`timeMax`/`updatedMin`: RFC 3339 with a mandatory offset, else 400 Bad Request. */
export function readTimestamp(query: Query, name: string): number | null {
  const raw = query(name);
  if (raw === undefined || raw === "") return null;
  const instant = parseInstant(raw);
  if (instant === null) throw calendarErrors.badRequest();
  return instant;
}

export function readTimeZone(query: Query, fallback: string): string {
  const raw = query("timeZone");
  if (raw === undefined || raw === "") return fallback;
  if (!isValidTimeZone(raw)) throw calendarErrors.invalid("Invalid time zone definition.");
  return raw;
}

export function readSendUpdates(query: Query): void {
  readEnum(query, "sendUpdates", ["all", "externalOnly", "none"]);
  readBoolean(query, "sendNotifications");
}

/** Opaque page tokens: the offset into the (deterministically ordered) result. */
export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString("base64url");
}

export function decodePageToken(query: Query): number {
  const raw = query("pageToken");
  if (raw === undefined || raw === "") return 0;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
    const offset = typeof parsed === "object" && parsed !== null ? (parsed as { o?: unknown }).o : undefined;
    if (typeof offset === "number" && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // falls through to the error below
  }
  throw calendarErrors.invalid("Invalid page token value.");
}
