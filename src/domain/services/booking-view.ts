import type { CalendarEvent, EventTime } from "../calendar.ts";

/** A booked event as the booking verbs report it. */
export interface BookingView {
  event_id: string;
  calendar_id: string;
  status: CalendarEvent["status"];
  summary: string | null;
  start: EventTime;
  end: EventTime;
  html_link: string | null;
  /** Present when the event has a Google Meet link. */
  meet_link?: string;
  attendees: { email: string; response_status: string }[];
}

export function toBookingView(event: CalendarEvent): BookingView {
  return {
    event_id: event.id,
    calendar_id: event.calendarId,
    status: event.status,
    summary: event.summary,
    start: event.start,
    end: event.end,
    html_link: event.htmlLink,
    ...(event.meetLink === null ? {} : { meet_link: event.meetLink }),
    attendees: event.attendees.map((attendee) => ({
      email: attendee.email,
      response_status: attendee.responseStatus,
    })),
  };
}
