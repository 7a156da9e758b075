/**
 * What changed in each calendar, for incremental sync (`syncToken` / `nextSyncToken`) and push
 * notifications. Every write bumps the calendar's sequence and stamps the event (or occurrence)
 * it touched; a sync token names a sequence, and an incremental list returns what was stamped
 * after it. Kept in `state.calendarData`, so an emulator reset invalidates every token (410), as
 * Google does when it decides a token expired.
 */

import type { EmulatorState } from "../emulator-state.ts";
import { calendarErrors, GoogleApiError } from "./calendar-errors.ts";
import type { CalendarRecord } from "./calendar-store.ts";

interface ChangeLog {
  /** Tokens of another generation are refused: bumped by `expireSyncTokens`. */
  generation: string;
  sequence: number;
  /** Event or occurrence id → the sequence of its last change. */
  stamps: Map<string, number>;
}

const KEY = (calendarId: string): string => `__changes:${calendarId}`;

function logOf(state: EmulatorState, calendar: CalendarRecord): ChangeLog {
  const existing = state.calendarData.get(KEY(calendar.id)) as ChangeLog | undefined;
  if (existing !== undefined) return existing;
  const log: ChangeLog = { generation: crypto.randomUUID().slice(0, 8), sequence: 0, stamps: new Map() };
  state.calendarData.set(KEY(calendar.id), log);
  return log;
}

/** An event (or one occurrence of a series) was created, changed or deleted. */
export function recordChange(state: EmulatorState, calendar: CalendarRecord, eventId: string): void {
  const log = logOf(state, calendar);
  log.sequence += 1;
  log.stamps.set(eventId, log.sequence);
}

/** The token a list answer ends with: everything up to now is known to its holder. */
export function currentSyncToken(state: EmulatorState, calendar: CalendarRecord): string {
  const log = logOf(state, calendar);
  const payload = JSON.stringify({ c: calendar.id, g: log.generation, s: log.sequence });
  return Buffer.from(payload).toString("base64url");
}

/**
 * Ids changed since `token` was handed out.
 * @throws GoogleApiError 410 fullSyncRequired for a token that is malformed, of another
 *   calendar, or from before an expiry
 */
export function changedSince(state: EmulatorState, calendar: CalendarRecord, token: string): string[] {
  const log = logOf(state, calendar);
  let parsed: { c?: unknown; g?: unknown; s?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw fullSyncRequired();
  }
  const valid =
    parsed.c === calendar.id &&
    parsed.g === log.generation &&
    typeof parsed.s === "number" &&
    parsed.s <= log.sequence;
  if (!valid) throw fullSyncRequired();
  const since = parsed.s as number;
  return [...log.stamps.entries()]
    .filter(([, stamp]) => stamp > since)
    .sort(([, a], [, b]) => a - b)
    .map(([id]) => id);
}

/** Every sync token handed out so far now answers 410 (what Google does when tokens expire). */
export function expireSyncTokens(state: EmulatorState): void {
  for (const [key, value] of state.calendarData) {
    if (key.startsWith("__changes:")) (value as ChangeLog).generation = crypto.randomUUID().slice(0, 8);
  }
}

export function fullSyncRequired(): GoogleApiError {
  const message = "Sync token is no longer valid, a full sync is required.";
  return new GoogleApiError(410, {
    error: { errors: [{ domain: "global", reason: "fullSyncRequired", message }], code: 410, message },
  });
}

/** Parameters Google refuses beside a syncToken (they would make the client's state inconsistent). */
export const INCOMPATIBLE_WITH_SYNC = [
  "timeMin",
  "timeMax",
  "updatedMin",
  "q",
  "iCalUID",
  "orderBy",
] as const;

export function checkSyncParameters(query: (name: string) => string | undefined): void {
  for (const name of INCOMPATIBLE_WITH_SYNC) {
    if (query(name) !== undefined) {
      throw calendarErrors.invalidParameter(name, `The ${name} parameter cannot be used with a syncToken.`);
    }
  }
}
