/**
 * The Events resource on the wire, field by field in Google's order: single events, recurring
 * series, their generated instances and stored exceptions.
 */

import type { CalendarRecord, StoredEvent } from "./calendar-store.ts";
import { formatUtcMillis } from "./calendar-time.ts";
import { hangoutLinkOf } from "./conference.ts";
import { instanceTimes } from "./event-occurrences.ts";
import { renderTime } from "./event-times.ts";
import type { OccurrenceStart } from "./recurrence.ts";

export type EventJson = Record<string, unknown>;

/** Google's output order of the Events resource; absent keys are omitted. */
const KEY_ORDER = [
  "kind",
  "etag",
  "id",
  "status",
  "htmlLink",
  "created",
  "updated",
  "summary",
  "description",
  "location",
  "colorId",
  "creator",
  "organizer",
  "start",
  "end",
  "endTimeUnspecified",
  "recurrence",
  "recurringEventId",
  "originalStartTime",
  "transparency",
  "visibility",
  "iCalUID",
  "sequence",
  "attendees",
  "extendedProperties",
  "hangoutLink",
  "conferenceData",
  "anyoneCanAddSelf",
  "guestsCanInviteOthers",
  "guestsCanModify",
  "guestsCanSeeOtherGuests",
  "reminders",
  "source",
  "eventType",
];

const ATTENDEE_KEY_ORDER = [
  "email",
  "displayName",
  "organizer",
  "self",
  "resource",
  "optional",
  "responseStatus",
  "comment",
  "additionalGuests",
];

function ordered(json: EventJson): EventJson {
  const out: EventJson = {};
  for (const key of KEY_ORDER) if (json[key] !== undefined) out[key] = json[key];
  return out;
}

/**
 * `htmlLink`: base64 of "<eventId> <calendarId>", where Google shortens `@gmail.com` to `@m`.
 */
export function htmlLink(eventId: string, calendarId: string): string {
  const owner = calendarId.replace(/@gmail\.com$/, "@m");
  const eid = Buffer.from(`${eventId} ${owner}`).toString("base64url");
  return `https://www.google.com/calendar/event?eid=${eid}`;
}

interface RenderOptions {
  calendar: CalendarRecord;
  /** Zone `dateTime` values are written in: the request's `timeZone` or the calendar's. */
  zone: string;
}

/** A person as the viewing calendar sees them: `self` marks the calendar's owner. */
function person(email: string, viewer: string): { email: string; self?: true } {
  return email === viewer ? { email, self: true } : { email };
}

/**
 * Attendees as the viewing calendar sees them: the flags are computed, not stored, because
 * one stored event is shown in the organizer's and in every invited account's calendar.
 */
function attendeesFor(event: StoredEvent, viewer: string): EventJson[] {
  return event.attendees.map((attendee) => {
    const email = attendee.email.toLowerCase();
    const flags = { organizer: email === event.organizer || undefined, self: email === viewer || undefined };
    const json: EventJson = { ...structuredClone(attendee), ...flags };
    const out: EventJson = {};
    for (const key of ATTENDEE_KEY_ORDER) if (json[key] !== undefined) out[key] = json[key];
    return out;
  });
}

function baseJson(event: StoredEvent, id: string, options: RenderOptions): EventJson {
  const viewer = options.calendar.ownerEmail;
  const json: EventJson = {
    kind: "calendar#event",
    etag: event.etag,
    id,
    status: event.status,
    htmlLink: htmlLink(id, options.calendar.id),
    created: formatUtcMillis(event.created),
    updated: formatUtcMillis(event.updated),
    ...structuredClone(event.fields),
    creator: person(event.organizer, viewer),
    organizer: person(event.organizer, viewer),
    start: renderTime(event.start, options.zone),
    end: renderTime(event.end, options.zone),
    iCalUID: `${event.recurringEventId ?? event.id}@google.com`,
    sequence: event.sequence,
    reminders: event.fields.reminders ?? { useDefault: true },
    eventType: event.fields.eventType ?? "default",
  };
  if (event.recurrence !== null) json.recurrence = [...event.recurrence];
  if (event.attendees.length > 0) json.attendees = attendeesFor(event, viewer);
  if (event.fields.transparency === "opaque") delete json.transparency;
  if (event.fields.visibility === "default") delete json.visibility;
  const link = hangoutLinkOf(event.conferenceData);
  if (link !== null) json.hangoutLink = link;
  if (event.conferenceData !== null) json.conferenceData = structuredClone(event.conferenceData);
  if (event.recurringEventId !== null && event.originalStart !== null) {
    json.recurringEventId = event.recurringEventId;
    json.originalStartTime = renderTime(event.originalStart, options.zone);
  }
  return json;
}

/** A single event, a series (with `recurrence`) or a stored exception. */
export function renderEvent(event: StoredEvent, options: RenderOptions): EventJson {
  return ordered(baseJson(event, event.id, options));
}

/** A generated occurrence of a series that has no exception of its own. */
export function renderInstance(
  series: StoredEvent,
  id: string,
  start: OccurrenceStart,
  options: RenderOptions,
): EventJson {
  const times = instanceTimes(series, start);
  const json = baseJson({ ...series, start: times.start, end: times.end, recurrence: null }, id, options);
  json.recurringEventId = series.id;
  json.originalStartTime = renderTime(times.start, options.zone);
  json.iCalUID = `${series.id}@google.com`;
  return ordered(json);
}

/**
 * A cancelled occurrence as Google lists it next to its series (singleEvents=false): only
 * enough to identify which occurrence is gone.
 */
export function renderCancelledStub(event: StoredEvent, options: RenderOptions): EventJson {
  return {
    kind: "calendar#event",
    etag: event.etag,
    id: event.id,
    status: "cancelled",
    recurringEventId: event.recurringEventId,
    originalStartTime:
      event.originalStart === null ? undefined : renderTime(event.originalStart, options.zone),
  };
}
