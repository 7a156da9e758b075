/**
 * The emulator's durable part as JSON: issued tokens and calendars with their events. The sandbox
 * keeps it in its data folder so that a restart finds every grant and booking where it was, as
 * the real Google would. Authorization codes (ten-minute, single-use), counters and faults are
 * not kept.
 */

import { CalendarRecord, type StoredEvent } from "./calendar/calendar-store.ts";
import type { EmulatorState, IssuedAccessToken, IssuedRefreshToken } from "./emulator-state.ts";

const FORMAT = 1;

interface StoredEventJson extends Omit<StoredEvent, "exceptions" | "organizer"> {
  /** Absent in snapshots taken before invitations were shared: the calendar's owner. */
  organizer?: string;
  /** [instance id, exception] pairs, as the series keeps them. */
  exceptions: Array<[string, StoredEventJson]>;
}

/** An invitation this calendar shows: the organizer's event, kept once, in the organizer's calendar. */
interface SharedRefJson {
  id: string;
  organizer: string;
}

interface CalendarJson {
  id: string;
  ownerEmail: string;
  summary: string;
  timeZone: string;
  updated: number;
  etag: string;
  events: StoredEventJson[];
  shared?: SharedRefJson[];
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
    const own = [...value.events.values()].filter((event) => !isSharedRef(state, value, event));
    const shared = [...value.events.values()].filter((event) => isSharedRef(state, value, event));
    calendars.push({
      id: value.id,
      ownerEmail: value.ownerEmail,
      summary: value.summary,
      timeZone: value.timeZone,
      updated: value.updated,
      etag: value.etag,
      events: own.map(eventToJson),
      shared: shared.map((event) => ({ id: event.id, organizer: event.organizer })),
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
    for (const event of calendar.events)
      record.events.set(event.id, eventFromJson(event, calendar.ownerEmail));
    state.calendarData.set(calendar.id, record);
  }
  // Invitations point at the organizer's object, so both calendars keep seeing one event.
  for (const calendar of json.calendars) {
    const record = state.calendarData.get(calendar.id) as CalendarRecord;
    for (const ref of calendar.shared ?? []) {
      const home = state.calendarData.get(ref.organizer);
      const event = home instanceof CalendarRecord ? home.events.get(ref.id) : undefined;
      if (event !== undefined) record.events.set(ref.id, event);
    }
  }
}

/** True when `calendar` shows another calendar's event (the same object), not its own. */
function isSharedRef(state: EmulatorState, calendar: CalendarRecord, event: StoredEvent): boolean {
  if (event.organizer === calendar.ownerEmail) return false;
  const home = state.calendarData.get(event.organizer);
  return home instanceof CalendarRecord && home.events.get(event.id) === event;
}

function eventToJson(event: StoredEvent): StoredEventJson {
  return {
    ...event,
    exceptions: [...event.exceptions].map(([id, exception]) => [id, eventToJson(exception)]),
  };
}

function eventFromJson(event: StoredEventJson, owner: string): StoredEvent {
  const organizer = event.organizer ?? owner;
  return {
    ...event,
    organizer,
    exceptions: new Map(event.exceptions.map(([id, exception]) => [id, eventFromJson(exception, organizer)])),
  };
}
