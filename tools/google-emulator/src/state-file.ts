/**
 * The emulator's durable part as JSON: issued tokens and calendars with their events. The sandbox
 * keeps it in its data folder so that a restart finds every grant and booking where it was, as
 * the real Google would. Authorization codes (ten-minute, single-use), counters and faults are
 * not kept.
 */

import { CalendarRecord, type StoredEvent } from "./calendar/calendar-store.ts";
import type { EmulatorState, IssuedAccessToken, IssuedRefreshToken } from "./emulator-state.ts";

const FORMAT = 1;

interface StoredEventJson extends Omit<StoredEvent, "exceptions"> {
  /** [instance id, exception] pairs, as the series keeps them. */
  exceptions: Array<[string, StoredEventJson]>;
}

interface CalendarJson {
  id: string;
  ownerEmail: string;
  summary: string;
  timeZone: string;
  updated: number;
  etag: string;
  events: StoredEventJson[];
}

interface StateJson {
  format: number;
  accessTokens: IssuedAccessToken[];
  refreshTokens: IssuedRefreshToken[];
  calendars: CalendarJson[];
}

export function snapshotState(state: EmulatorState): string {
  const calendars: CalendarJson[] = [];
  for (const value of state.calendarData.values()) {
    if (!(value instanceof CalendarRecord)) continue;
    calendars.push({
      id: value.id,
      ownerEmail: value.ownerEmail,
      summary: value.summary,
      timeZone: value.timeZone,
      updated: value.updated,
      etag: value.etag,
      events: [...value.events.values()].map(eventToJson),
    });
  }
  const json: StateJson = {
    format: FORMAT,
    accessTokens: [...state.accessTokens.values()],
    refreshTokens: [...state.refreshTokens.values()],
    calendars,
  };
  return JSON.stringify(json);
}

/**
 * Put a snapshot back into `state` (tokens and calendars are replaced wholesale).
 * @throws Error when the text is not a snapshot of this format
 */
export function restoreState(state: EmulatorState, text: string): void {
  const json = JSON.parse(text) as StateJson;
  if (json?.format !== FORMAT || !Array.isArray(json.calendars)) {
    throw new Error("not an emulator state snapshot of a known format");
  }
  state.accessTokens.clear();
  for (const token of json.accessTokens) state.accessTokens.set(token.token, token);
  state.refreshTokens.clear();
  for (const token of json.refreshTokens) state.refreshTokens.set(token.token, token);
  for (const calendar of json.calendars) {
    const record = new CalendarRecord(
      calendar.id,
      calendar.ownerEmail,
      calendar.summary,
      calendar.timeZone,
      calendar.updated,
    );
    record.etag = calendar.etag;
    for (const event of calendar.events) record.events.set(event.id, eventFromJson(event));
    state.calendarData.set(calendar.id, record);
  }
}

function eventToJson(event: StoredEvent): StoredEventJson {
  return {
    ...event,
    exceptions: [...event.exceptions].map(([id, exception]) => [id, eventToJson(exception)]),
  };
}

function eventFromJson(event: StoredEventJson): StoredEvent {
  return {
    ...event,
    exceptions: new Map(event.exceptions.map(([id, exception]) => [id, eventFromJson(exception)])),
  };
}
