/**
 * What an invited account may do to its copy of someone else's event, as in Google: answer
 * the invitation (its own `responseStatus`, `comment` and `additionalGuests`) and remove the
 * event from its calendar, which declines it. Every other change to the shared event is the
 * organizer's (403 forbiddenForNonOrganizer), unless the organizer let guests modify it.
 */

import { calendarErrors } from "./calendar-errors.ts";
import { type CalendarRecord, nextEtag, type StoredEvent } from "./calendar-store.ts";
import type { EventDraft } from "./event-input.ts";
import { sameTime } from "./event-times.ts";

/** True when `calendar` shows `event` as an invitation, not as an event it organizes. */
export function isInvitation(calendar: CalendarRecord, event: StoredEvent): boolean {
  return event.organizer !== calendar.ownerEmail;
}

/** True when a write through `calendar` may change only the invitee's own answer. */
export function answersOnly(calendar: CalendarRecord, event: StoredEvent): boolean {
  return isInvitation(calendar, event) && event.fields.guestsCanModify !== true;
}

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}

/** Values the API writes out when a field is unset, so a body read back compares equal. */
const FIELD_DEFAULTS: Record<string, unknown> = {
  reminders: { useDefault: true },
  eventType: "default",
  transparency: "opaque",
  visibility: "default",
};

function withoutDefaults(fields: EventDraft["fields"]): string {
  const out = { ...fields };
  for (const [key, value] of Object.entries(FIELD_DEFAULTS))
    if (canonical(out[key]) === canonical(value)) delete out[key];
  return canonical(out);
}

/** Who is invited and whether optionally: what only the organizer decides. */
function guestList(attendees: EventDraft["attendees"]): string {
  return canonical(
    attendees
      .map((a) => [a.email.toLowerCase(), a.optional === true])
      .sort(([a], [b]) => String(a).localeCompare(String(b))),
  );
}

function changesShared(event: StoredEvent, draft: EventDraft, body: Record<string, unknown>): boolean {
  return (
    !sameTime(event.start, draft.start) ||
    !sameTime(event.end, draft.end) ||
    (event.recurringEventId === null && canonical(event.recurrence) !== canonical(draft.recurrence)) ||
    event.status !== draft.status ||
    withoutDefaults(event.fields) !== withoutDefaults(draft.fields) ||
    (body.conferenceData !== undefined &&
      canonical(body.conferenceData) !== canonical(event.conferenceData)) ||
    guestList(event.attendees) !== guestList(draft.attendees)
  );
}

/**
 * An invitee's write: only its own attendee entry is taken from `draft`; other attendees'
 * answers are theirs to give, so what the request says about them is ignored.
 * @throws GoogleApiError 403 forbiddenForNonOrganizer when anything shared would change
 */
export function answerInvitation(
  event: StoredEvent,
  draft: EventDraft,
  body: Record<string, unknown>,
  invitee: string,
  now: number,
): void {
  if (changesShared(event, draft, body)) throw calendarErrors.forbiddenForNonOrganizer();
  const mine = (a: { email: string }): boolean => a.email.toLowerCase() === invitee;
  const stored = event.attendees.find(mine);
  const answer = draft.attendees.find(mine);
  if (stored === undefined || answer === undefined) return;
  stored.responseStatus = answer.responseStatus;
  for (const key of ["comment", "additionalGuests"] as const) {
    if (answer[key] === undefined) delete stored[key];
    else Object.assign(stored, { [key]: answer[key] });
  }
  event.updated = now;
  event.etag = nextEtag(event.etag, now);
}

/** Sets the invitee's answer on the shared event, as the organizer will see it. */
export function setResponse(event: StoredEvent, invitee: string, response: string, now: number): void {
  const stored = event.attendees.find((a) => a.email.toLowerCase() === invitee);
  if (stored === undefined) return;
  stored.responseStatus = response;
  event.updated = now;
  event.etag = nextEtag(event.etag, now);
}

/**
 * What stays in an account's calendar once an invitation left it (the invitee deleted it, or
 * the organizer removed the invitee): its own cancelled copy, no longer shared, so the
 * calendar reads it as deleted (events.get answers `cancelled`, lists hide it).
 */
export function withdrawnCopy(event: StoredEvent, now: number): StoredEvent {
  const copy = structuredClone({ ...event, exceptions: new Map<string, StoredEvent>() });
  copy.status = "cancelled";
  copy.updated = now;
  copy.etag = nextEtag(event.etag, now);
  return copy;
}
