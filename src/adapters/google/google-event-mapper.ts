import type { calendar_v3 } from "@googleapis/calendar";
import type {
  Attendee,
  CalendarEvent,
  CalendarSummary,
  EventDraft,
  EventTime,
  ResponseStatus,
} from "../../domain/calendar.ts";

/** Google's Calendar resources to and from the domain's shapes. */

type PatchChanges = EventDraft & {
  attendees?: { email: string; optional?: boolean; responseStatus?: string }[];
};

const RESPONSES: readonly ResponseStatus[] = ["needsAction", "declined", "tentative", "accepted"];
const ROLES: readonly CalendarSummary["accessRole"][] = ["owner", "writer", "reader", "freeBusyReader"];

export function toCalendarEvent(calendarId: string, event: calendar_v3.Schema$Event): CalendarEvent {
  return {
    id: event.id ?? "",
    calendarId,
    status: event.status === "tentative" || event.status === "cancelled" ? event.status : "confirmed",
    summary: event.summary ?? null,
    description: event.description ?? null,
    location: event.location ?? null,
    start: toEventTime(event.start),
    end: toEventTime(event.end),
    htmlLink: event.htmlLink ?? null,
    meetLink: meetLinkOf(event),
    attendees: (event.attendees ?? []).map(toAttendee),
    organizerEmail: event.organizer?.email ?? null,
    recurringEventId: event.recurringEventId ?? null,
    recurrence: event.recurrence ?? [],
    transparency: event.transparency === "transparent" ? "transparent" : "opaque",
    etag: event.etag ?? "",
    created: event.created ?? null,
    updated: event.updated ?? null,
  };
}

export function toCalendarSummary(entry: calendar_v3.Schema$CalendarListEntry): CalendarSummary {
  const role = ROLES.find((known) => known === entry.accessRole) ?? "reader";
  return {
    id: entry.id ?? "",
    summary: entry.summaryOverride ?? entry.summary ?? entry.id ?? "",
    timeZone: entry.timeZone ?? "UTC",
    primary: entry.primary === true,
    accessRole: role,
  };
}

/** The request body of an insert or patch: only the fields the draft sets. */
export function toEventResource(draft: PatchChanges): calendar_v3.Schema$Event {
  const resource: calendar_v3.Schema$Event = {};
  if (draft.summary !== undefined) resource.summary = draft.summary;
  if (draft.description !== undefined) resource.description = draft.description;
  if (draft.location !== undefined) resource.location = draft.location;
  if (draft.start !== undefined) resource.start = fromEventTime(draft.start);
  if (draft.end !== undefined) resource.end = fromEventTime(draft.end);
  if (draft.recurrence !== undefined) resource.recurrence = draft.recurrence;
  if (draft.attendees !== undefined) {
    resource.attendees = draft.attendees.map((attendee) => {
      const out: calendar_v3.Schema$EventAttendee = { email: attendee.email };
      if (attendee.optional !== undefined) out.optional = attendee.optional;
      if ("responseStatus" in attendee && typeof attendee.responseStatus === "string") {
        out.responseStatus = attendee.responseStatus;
      }
      return out;
    });
  }
  return resource;
}

/**
 * Ask Google for a Meet conference. `requestId` makes the request idempotent at Google: the
 * same id (we use the event id when we chose it) never yields two conferences.
 */
export function meetRequest(requestId: string): calendar_v3.Schema$ConferenceData {
  return { createRequest: { requestId, conferenceSolutionKey: { type: "hangoutsMeet" } } };
}

function toEventTime(time: calendar_v3.Schema$EventDateTime | undefined): EventTime {
  if (typeof time?.date === "string") return { date: time.date };
  const dateTime = time?.dateTime ?? "";
  return typeof time?.timeZone === "string" ? { dateTime, timeZone: time.timeZone } : { dateTime };
}

function fromEventTime(time: EventTime): calendar_v3.Schema$EventDateTime {
  if ("date" in time) return { date: time.date };
  return time.timeZone === undefined
    ? { dateTime: time.dateTime }
    : { dateTime: time.dateTime, timeZone: time.timeZone };
}

function toAttendee(attendee: calendar_v3.Schema$EventAttendee): Attendee {
  const out: Attendee = {
    email: attendee.email ?? "",
    responseStatus: RESPONSES.find((known) => known === attendee.responseStatus) ?? "needsAction",
  };
  if (typeof attendee.displayName === "string") out.displayName = attendee.displayName;
  if (attendee.optional === true) out.optional = true;
  if (attendee.self === true) out.self = true;
  if (attendee.organizer === true) out.organizer = true;
  return out;
}

/** `hangoutLink` for Meet; otherwise the conference's video entry point. */
function meetLinkOf(event: calendar_v3.Schema$Event): string | null {
  if (typeof event.hangoutLink === "string" && event.hangoutLink !== "") return event.hangoutLink;
  const video = event.conferenceData?.entryPoints?.find((entry) => entry.entryPointType === "video");
  return video?.uri ?? null;
}
