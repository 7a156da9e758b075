import { z } from "zod";
import type { CalendarEvent, CalendarSummary, EventTime, Interval } from "../../../domain/calendar.ts";
import { canonicalTimeZone, formatInstant } from "../../../domain/zoned-time.ts";

/**
 * Output shapes shared by the Calendar tools, and the one mapping of each domain value to them
 * (an event, a booked event, a calendar, an interval). Every field is snake_case, as the rest of
 * the product speaks to the backend.
 */

export const eventTimeOutput = z
  .object({
    date_time: z.string().optional().describe("RFC 3339 with offset; set for timed events"),
    time_zone: z
      .string()
      .optional()
      .describe("IANA zone date_time is written in: the time_zone you passed, else the event's own"),
    date: z.string().optional().describe("YYYY-MM-DD; set for all-day events (an end date is exclusive)"),
  })
  .describe("A timed moment (date_time) or an all-day date (date)");

export type EventTimeOutput = z.infer<typeof eventTimeOutput>;

const responseStatus = z.enum(["needsAction", "declined", "tentative", "accepted"]);

export const busyOutput = z.object({
  start: z.string().describe("RFC 3339"),
  end: z.string().describe("RFC 3339"),
});

export const bookingOutput = z.object({
  event_id: z.string().describe("Pass to get_event, update_booking, cancel_booking"),
  calendar_id: z.string(),
  status: z.enum(["confirmed", "tentative", "cancelled"]),
  summary: z.string().nullable(),
  start: eventTimeOutput,
  end: eventTimeOutput,
  html_link: z.string().nullable().describe("The event in Google Calendar's web UI"),
  meet_link: z.string().optional().describe("Google Meet link, when the event has one"),
  attendees: z.array(z.object({ email: z.string(), response_status: responseStatus })),
});

export const eventOutput = z.object({
  event_id: z.string(),
  calendar_id: z.string(),
  status: z.enum(["confirmed", "tentative", "cancelled"]),
  summary: z.string().nullable(),
  description: z.string().nullable(),
  location: z.string().nullable(),
  start: eventTimeOutput,
  end: eventTimeOutput,
  html_link: z.string().nullable(),
  meet_link: z.string().nullable(),
  attendees: z.array(
    z.object({
      email: z.string(),
      display_name: z.string().optional(),
      response_status: responseStatus,
      optional: z.boolean().optional(),
      self: z.boolean().optional().describe("This attendee is the calendar's owner"),
      organizer: z.boolean().optional(),
    }),
  ),
  organizer_email: z.string().nullable(),
  recurring_event_id: z.string().nullable().describe("Set on an instance of a recurring event"),
  recurrence: z.array(z.string()).describe("RFC 5545 lines of a recurring event"),
  transparency: z.enum(["opaque", "transparent"]).describe("transparent events do not block time"),
  created: z.string().nullable(),
  updated: z.string().nullable(),
});

export const calendarOutput = z.object({
  calendar_id: z
    .string()
    .describe('Pass as calendar_id; the primary calendar is also reachable as "primary"'),
  summary: z.string(),
  time_zone: z.string(),
  primary: z.boolean(),
  access_role: z.enum(["owner", "writer", "reader", "freeBusyReader"]),
});

/**
 * A time written in the zone shown beside it: `zone` (the caller's time_zone) when given, else
 * the event's own. Google writes dateTime in the calendar's offset whatever the event's zone,
 * which beside another zone's name reads as a different hour.
 */
export function toEventTimeOutput(time: EventTime, zone?: string): EventTimeOutput {
  if ("date" in time) return { date: time.date };
  const shownIn = zone ?? time.timeZone;
  if (shownIn === undefined) return { date_time: time.dateTime };
  return { date_time: formatInstant(new Date(time.dateTime), shownIn), time_zone: shownIn };
}

/** The caller's time_zone argument as the zone answers are written in (already validated by the call). */
export function shownZone(argument: string | undefined): string | undefined {
  return argument === undefined ? undefined : canonicalTimeZone(argument, "time_zone");
}

/** A booked event as the booking tools answer it: fewer facts than get_event gives. */
export function toBookingOutput(event: CalendarEvent, zone?: string): z.infer<typeof bookingOutput> {
  return {
    event_id: event.id,
    calendar_id: event.calendarId,
    status: event.status,
    summary: event.summary,
    start: toEventTimeOutput(event.start, zone),
    end: toEventTimeOutput(event.end, zone),
    html_link: event.htmlLink,
    ...(event.meetLink === null ? {} : { meet_link: event.meetLink }),
    attendees: event.attendees.map((attendee) => ({
      email: attendee.email,
      response_status: attendee.responseStatus,
    })),
  };
}

/** An interval as RFC 3339 strings, in `zone`'s offset when given, else UTC. */
export function toBusyOutput(interval: Interval, zone?: string): z.infer<typeof busyOutput> {
  return { start: formatInstant(interval.start, zone), end: formatInstant(interval.end, zone) };
}

export function toEventOutput(event: CalendarEvent, zone?: string): z.infer<typeof eventOutput> {
  return {
    event_id: event.id,
    calendar_id: event.calendarId,
    status: event.status,
    summary: event.summary,
    description: event.description,
    location: event.location,
    start: toEventTimeOutput(event.start, zone),
    end: toEventTimeOutput(event.end, zone),
    html_link: event.htmlLink,
    meet_link: event.meetLink,
    attendees: event.attendees.map(toAttendeeOutput),
    organizer_email: event.organizerEmail,
    recurring_event_id: event.recurringEventId,
    recurrence: event.recurrence,
    transparency: event.transparency,
    created: event.created,
    updated: event.updated,
  };
}

type AttendeeOutput = z.infer<typeof eventOutput>["attendees"][number];

/**
 * Absent facts are left out, not written as undefined. Built with assignments, in the key order
 * the answer's JSON shows, rather than with conditional spreads: a page of events has many
 * attendees, and spreads cost visibly there.
 */
function toAttendeeOutput(attendee: CalendarEvent["attendees"][number]): AttendeeOutput {
  const { email, displayName, responseStatus } = attendee;
  const output: AttendeeOutput =
    displayName === undefined
      ? { email, response_status: responseStatus }
      : { email, display_name: displayName, response_status: responseStatus };
  if (attendee.optional !== undefined) output.optional = attendee.optional;
  if (attendee.self !== undefined) output.self = attendee.self;
  if (attendee.organizer !== undefined) output.organizer = attendee.organizer;
  return output;
}

export function toCalendarOutput(calendar: CalendarSummary): z.infer<typeof calendarOutput> {
  return {
    calendar_id: calendar.id,
    summary: calendar.summary,
    time_zone: calendar.timeZone,
    primary: calendar.primary,
    access_role: calendar.accessRole,
  };
}

/** "2026-03-10T15:00:00+01:00" or "2026-03-10 (all day)": for the human line of a result. */
export function describeTime(time: EventTime, zone?: string): string {
  if ("date" in time) return `${time.date} (all day)`;
  const shown = toEventTimeOutput(time, zone);
  return shown.time_zone === undefined ? `${shown.date_time}` : `${shown.date_time} (${shown.time_zone})`;
}
