/**
 * events.insert / update / patch / delete / get on one calendar. Every function here is
 * synchronous: Bun runs one request at a time between awaits, so a duplicate-id check and the
 * write that follows it can never interleave with another insert.
 */

import { calendarErrors } from "./calendar-errors.ts";
import {
  blankEvent,
  type CalendarRecord,
  isValidClientEventId,
  newEventId,
  nextEtag,
  type StoredEvent,
} from "./calendar-store.ts";
import { applyConference } from "./conference.ts";
import { type EventDraft, mergePatch, readEventBody, writableJson } from "./event-input.ts";
import { findInstance, instanceTimes } from "./event-occurrences.ts";
import { type EventJson, renderEvent, renderInstance } from "./event-resource.ts";
import { sameTime } from "./event-times.ts";
import { answerInvitation, answersOnly, isInvitation, setResponse, withdrawnCopy } from "./invitee-writes.ts";

export interface WriteRequest {
  body: Record<string, unknown>;
  conferenceVersion: number;
  ifMatch: string | undefined;
  now: number;
}

/** A stored event, or an occurrence whose exception does not exist yet (created on write). */
type Target = { event: StoredEvent; series: StoredEvent | null; materialized: boolean };

function locate(calendar: CalendarRecord, eventId: string): Target | null {
  const event = calendar.events.get(eventId);
  if (event !== undefined) return { event, series: null, materialized: true };
  const ref = findInstance(calendar, eventId);
  if (ref === null) return null;
  if (ref.exception !== null) return { event: ref.exception, series: ref.series, materialized: true };
  const { series } = ref;
  const times = instanceTimes(series, ref.start);
  const exception: StoredEvent = {
    ...blankEvent(eventId, series.organizer, series.created, times.start, times.end),
    status: series.status,
    updated: series.updated,
    etag: series.etag,
    sequence: series.sequence,
    fields: structuredClone(series.fields),
    attendees: structuredClone(series.attendees),
    conferenceData: structuredClone(series.conferenceData),
    recurringEventId: series.id,
    originalStart: times.start,
  };
  return { event: exception, series, materialized: false };
}

function checkIfMatch(event: StoredEvent, ifMatch: string | undefined): void {
  if (ifMatch === undefined) return;
  const accepted = ifMatch.split(",").map((tag) => tag.trim().replace(/^W\//, ""));
  if (!accepted.includes("*") && !accepted.includes(event.etag)) throw calendarErrors.conditionNotMet();
}

function applyDraft(event: StoredEvent, draft: EventDraft): void {
  event.start = draft.start;
  event.end = draft.end;
  event.status = draft.status;
  event.fields = draft.fields;
  event.attendees = draft.attendees;
  if (event.recurringEventId === null) event.recurrence = draft.recurrence;
}

export function insertEvent(calendar: CalendarRecord, request: WriteRequest): StoredEvent {
  const { body, now } = request;
  const requestedId = body.id ?? null;
  if (requestedId !== null && !isValidClientEventId(requestedId)) {
    throw calendarErrors.invalid("Invalid resource id value.");
  }
  const draft = readEventBody(body, calendar.ownerEmail, calendar.timeZone);
  const conferenceData = applyConference(body, request.conferenceVersion, null, true);
  // Deleted events keep their id: Google refuses to reuse it too.
  if (requestedId !== null && calendar.events.has(requestedId)) throw calendarErrors.duplicate();
  let id = requestedId ?? newEventId();
  while (calendar.events.has(id)) id = newEventId();
  const event = blankEvent(id, calendar.ownerEmail, now, draft.start, draft.end);
  applyDraft(event, draft);
  event.conferenceData = conferenceData;
  calendar.events.set(id, event);
  calendar.touch(now);
  return event;
}

/** A write by the organizer (or a guest the organizer lets modify the event). */
function applyOrganizerWrite(
  current: StoredEvent,
  draft: EventDraft,
  request: WriteRequest,
  replace: boolean,
): void {
  if (draft.sequence !== null && draft.sequence < current.sequence) throw calendarErrors.staleSequence();
  const conferenceData = applyConference(
    request.body,
    request.conferenceVersion,
    current.conferenceData,
    replace,
  );
  const moved =
    !sameTime(current.start, draft.start) ||
    !sameTime(current.end, draft.end) ||
    (current.recurringEventId === null &&
      JSON.stringify(current.recurrence) !== JSON.stringify(draft.recurrence)) ||
    current.fields.location !== draft.fields.location;
  const sequence =
    draft.sequence !== null && draft.sequence > current.sequence
      ? draft.sequence
      : current.sequence + (moved ? 1 : 0);
  applyDraft(current, draft);
  current.conferenceData = conferenceData;
  current.sequence = sequence;
  current.updated = request.now;
  current.etag = nextEtag(current.etag, request.now);
}

/** events.update (`replace`) and events.patch (merge) on an event or an occurrence. */
export function writeEvent(
  calendar: CalendarRecord,
  eventId: string,
  request: WriteRequest,
  replace: boolean,
): StoredEvent {
  const target = locate(calendar, eventId);
  if (target === null) throw calendarErrors.notFound();
  const current = target.event;
  checkIfMatch(current, request.ifMatch);
  const merged = replace
    ? { ...request.body }
    : mergePatch(writableJson(current, calendar.timeZone), request.body);
  // Occurrences cannot carry their own rules; Google ignores read-only fields on write.
  if (current.recurringEventId !== null) delete merged.recurrence;
  const draft = readEventBody(merged, current.organizer, calendar.timeZone);
  if (answersOnly(calendar, current))
    answerInvitation(current, draft, request.body, calendar.ownerEmail, request.now);
  else applyOrganizerWrite(current, draft, request, replace);
  if (!target.materialized && target.series !== null) target.series.exceptions.set(eventId, current);
  calendar.touch(request.now);
  return current;
}

/**
 * events.delete: a soft delete. The event stays readable as `cancelled`; a second delete is 410.
 * An invitee deleting its copy declines: the event leaves its calendar only (one occurrence
 * stays, declined). Returns the event as this calendar now holds it.
 */
export function deleteEvent(
  calendar: CalendarRecord,
  eventId: string,
  ifMatch: string | undefined,
  now: number,
): StoredEvent {
  const target = locate(calendar, eventId);
  if (target === null) throw calendarErrors.notFound();
  const event = target.event;
  if (event.status === "cancelled" || target.series?.status === "cancelled") throw calendarErrors.deleted();
  checkIfMatch(event, ifMatch);
  if (isInvitation(calendar, event)) return declineCopy(calendar, target, eventId, now);
  event.status = "cancelled";
  event.updated = now;
  event.etag = nextEtag(event.etag, now);
  if (!target.materialized && target.series !== null) target.series.exceptions.set(eventId, event);
  calendar.touch(now);
  return event;
}

function declineCopy(calendar: CalendarRecord, target: Target, eventId: string, now: number): StoredEvent {
  const { event } = target;
  setResponse(event, calendar.ownerEmail, "declined", now);
  if (target.series !== null) {
    if (!target.materialized) target.series.exceptions.set(eventId, event);
    calendar.touch(now);
    return event;
  }
  const withdrawn = withdrawnCopy(event, now);
  calendar.events.set(eventId, withdrawn);
  calendar.touch(now);
  return withdrawn;
}

/** events.get: single events, series, occurrences and deleted events (as `cancelled`). */
export function getEvent(
  calendar: CalendarRecord,
  eventId: string,
  zone: string,
): { json: EventJson; etag: string } {
  const options = { calendar, zone };
  const event = calendar.events.get(eventId);
  if (event !== undefined) return { json: renderEvent(event, options), etag: event.etag };
  const ref = findInstance(calendar, eventId);
  if (ref === null) throw calendarErrors.notFound();
  if (ref.exception !== null) return { json: renderEvent(ref.exception, options), etag: ref.exception.etag };
  return { json: renderInstance(ref.series, eventId, ref.start, options), etag: ref.series.etag };
}

export function renderStored(calendar: CalendarRecord, event: StoredEvent, zone: string): EventJson {
  return renderEvent(event, { calendar, zone });
}
