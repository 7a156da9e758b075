/**
 * Invitations between the emulator's own accounts, as Google shows them: an event whose
 * attendees include another account is the SAME stored object in that account's primary
 * calendar, under the same id, so every write to it is seen by both. The organizer's calendar
 * always holds it; `organizer`/`self` flags are computed per viewing calendar when rendered.
 *
 * The write functions (event-write.ts) work on one calendar; after any event write the routes
 * and the MCP tools call `shareEventWrite`, which brings the invitees' calendars in line with
 * the attendee list and reports the change to every calendar that shows the event.
 */

import type { EmulatorState } from "../emulator-state.ts";
import { CalendarRecord, primaryCalendar, type StoredEvent } from "./calendar-store.ts";
import { recordChange } from "./change-log.ts";
import { withdrawnCopy } from "./invitee-writes.ts";
import { notifyWatchers } from "./watch-channels.ts";

/**
 * The one point where a calendar learns that its view of `eventId` changed because of a write
 * made through another calendar (an organizer's edit, an invitee's answer). Change tracking
 * (sync tokens, push notifications) connects here.
 */
export function noteSharedChange(
  state: EmulatorState,
  calendar: CalendarRecord,
  eventId: string,
  now: number,
): void {
  calendar.touch(now);
  recordChange(state, calendar, eventId);
  notifyWatchers(state, calendar.id);
}

function calendars(state: EmulatorState): CalendarRecord[] {
  return [...state.calendarData.values()].filter((value) => value instanceof CalendarRecord);
}

function isAccount(state: EmulatorState, email: string): boolean {
  for (const account of state.accounts.values()) if (account.email.toLowerCase() === email) return true;
  return false;
}

/** The shared object behind `event` (a series for an occurrence), from its organizer's calendar. */
export function sharedEventOf(state: EmulatorState, event: StoredEvent): StoredEvent | null {
  const home = state.calendarData.get(event.organizer);
  if (!(home instanceof CalendarRecord)) return null;
  return home.events.get(event.recurringEventId ?? event.id) ?? null;
}

/**
 * After a write to `event` (or to one occurrence of it): every invited account's calendar
 * shows it, a calendar whose owner is no longer invited keeps only a cancelled copy, and each
 * calendar showing it is told. An account that removed the invitation (declined) gets it back
 * only when invited afresh; an id the account already uses for its own event is left alone.
 */
export function shareEventWrite(state: EmulatorState, event: StoredEvent, now: number): boolean {
  const shared = sharedEventOf(state, event);
  if (shared === null) return false;
  const id = shared.id;
  // What changed is what was written: an occurrence is reported as that occurrence.
  const changedId = event.id;
  const invited = new Map<string, string>();
  for (const attendee of shared.attendees) {
    const email = attendee.email.toLowerCase();
    if (email !== shared.organizer && isAccount(state, email)) invited.set(email, attendee.responseStatus);
  }
  for (const calendar of calendars(state)) {
    if (calendar.ownerEmail === shared.organizer) {
      noteSharedChange(state, calendar, changedId, now);
      continue;
    }
    const held = calendar.events.get(id);
    if (held === shared && !invited.has(calendar.ownerEmail)) {
      calendar.events.set(id, withdrawnCopy(shared, now));
      noteSharedChange(state, calendar, changedId, now);
    } else if (held === shared) noteSharedChange(state, calendar, changedId, now);
  }
  for (const [email, response] of invited) {
    const calendar = primaryCalendar(state, email);
    const held = calendar.events.get(id);
    const reinvited = held !== undefined && held.organizer === shared.organizer && response !== "declined";
    if (held === shared || (held !== undefined && !reinvited)) continue;
    calendar.events.set(id, shared);
    noteSharedChange(state, calendar, changedId, now);
  }
  return true;
}
