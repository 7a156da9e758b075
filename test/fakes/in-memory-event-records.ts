import type { Attendee, CalendarEvent, CalendarSummary } from "../../src/domain/calendar.ts";
import { DomainError } from "../../src/domain/errors.ts";
import { intervalOf } from "./in-memory-event-views.ts";

/** How the fake calendar builds and checks the events it stores, as Google would. */

export function newEventRecord(
  calendar: CalendarSummary,
  event: Partial<CalendarEvent> & Pick<CalendarEvent, "id" | "start" | "end">,
  etag: string,
  now: Date,
): CalendarEvent {
  const stamp = now.toISOString();
  const full: CalendarEvent = {
    calendarId: calendar.id,
    status: "confirmed",
    summary: null,
    description: null,
    location: null,
    htmlLink: `https://www.google.com/calendar/event?eid=${btoa(`${event.id} ${calendar.id}`)}`,
    meetLink: null,
    attendees: [],
    organizerEmail: calendar.id,
    recurringEventId: null,
    recurrence: [],
    transparency: "opaque",
    etag,
    created: stamp,
    updated: stamp,
    ...event,
  };
  checkTimes(full, calendar.timeZone);
  return full;
}

/** Google's own checks on times (its 400s, as the gateway maps them). */
export function checkTimes(event: CalendarEvent, calendarZone: string): void {
  const interval = intervalOf(event, calendarZone);
  if (!(interval.end > interval.start)) {
    throw new DomainError("invalid_argument", "The specified time range is empty.");
  }
  if (event.recurrence.length > 0 && "dateTime" in event.start && event.start.timeZone === undefined) {
    throw new DomainError("invalid_argument", "Missing time zone definition for start time.");
  }
}

/** A new attendee list; people already on the event keep their answer unless it is changed. */
export function attendeeList(
  wanted: { email: string; optional?: boolean; responseStatus?: string }[],
  current: Attendee[],
  ownerEmail: string,
): Attendee[] {
  return wanted.map((attendee) => {
    const before = current.find((known) => known.email.toLowerCase() === attendee.email.toLowerCase());
    const self = attendee.email.toLowerCase() === ownerEmail.toLowerCase();
    const status = attendee.responseStatus ?? before?.responseStatus ?? "needsAction";
    return {
      email: attendee.email,
      responseStatus: status as Attendee["responseStatus"],
      ...(attendee.optional === undefined ? {} : { optional: attendee.optional }),
      ...(self ? { self: true } : {}),
    };
  });
}

/** Google's answer to writing a deleted event: 410 Gone. */
export function gone(eventId: string): DomainError {
  return new DomainError("not_found", "Resource has been deleted", {
    details: { event_id: eventId, deleted: true },
  });
}

/** A Meet code shaped like Google's (abc-defg-hij), stable per event id. */
export function meetCode(id: string): string {
  const letters = id.replace(/[^a-z]/g, "").padEnd(10, "q");
  return `${letters.slice(0, 3)}-${letters.slice(3, 7)}-${letters.slice(7, 10)}`;
}
