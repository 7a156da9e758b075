/**
 * MCP write arguments (create_event / update_event) turned into an Events resource body for the
 * REST write functions, so both APIs validate and store events the same way.
 */

import { addDays, formatInZone } from "../calendar/calendar-time.ts";
import { newMeetCode } from "../calendar/conference.ts";
import { isObject } from "../calendar/event-input.ts";
import { restEventType } from "./event-output.ts";
import { toolFailures } from "./mcp-errors.ts";
import { readDate, readInstant } from "./mcp-time.ts";
import type { ToolArguments } from "./tool-arguments.ts";

type Body = Record<string, unknown>;

const MEET_URL = /^(?:https:\/\/meet\.google\.com\/)?([a-z]{3}-[a-z]{4}-[a-z]{3})$/;

/** `start`/`end` of a body from instants or dates, always with the zone (recurrences need it). */
export function timedBody(start: number, end: number, zone: string): Body {
  return {
    start: { dateTime: formatInZone(start, zone), timeZone: zone },
    end: { dateTime: formatInZone(end, zone), timeZone: zone },
  };
}

/** All-day bounds; an end on or before the start day means the start day alone. */
export function allDayBody(startValue: string, endValue: string): Body {
  const start = readDate(startValue, "startTime");
  let end = readDate(endValue, "endTime");
  if (end <= start) end = addDays(start, 1);
  return { start: { date: start }, end: { date: end } };
}

/** create_event's times: both given; `timeZone` (else the calendar's) reads offset-less values. */
export function createTimes(args: ToolArguments, explicitZone: string | null, calendarZone: string): Body {
  const startTime = String(args.startTime);
  const endTime = String(args.endTime);
  if (args.allDay === true) return allDayBody(startTime, endTime);
  const zone = explicitZone ?? calendarZone;
  return timedBody(
    readInstant(startTime, "startTime", explicitZone, calendarZone),
    readInstant(endTime, "endTime", explicitZone, calendarZone),
    zone,
  );
}

function conference(args: ToolArguments): Body | undefined {
  if (typeof args.googleMeetUrl === "string") {
    const code = MEET_URL.exec(args.googleMeetUrl)?.[1];
    if (code === undefined) throw toolFailures.invalidArgument("Invalid Google Meet URL.");
    return {
      entryPoints: [
        { entryPointType: "video", uri: `https://meet.google.com/${code}`, label: `meet.google.com/${code}` },
      ],
      conferenceSolution: { key: { type: "hangoutsMeet" }, name: "Google Meet" },
      conferenceId: code,
    };
  }
  if (args.addGoogleMeetUrl === true) {
    return { createRequest: { requestId: newMeetCode(), conferenceSolutionKey: { type: "hangoutsMeet" } } };
  }
  return undefined;
}

/** The REST attendee for an MCP `Attendee` input (`optionalAttendee` is REST's `optional`). */
export function restAttendee(value: unknown): Body {
  const input = isObject(value) ? value : { email: value };
  const out: Body = { email: input.email };
  if (input.displayName !== undefined) out.displayName = input.displayName;
  if (input.optionalAttendee === true) out.optional = true;
  return out;
}

/** Fields shared by create and update, only those the call sets. */
export function commonFields(args: ToolArguments): Body {
  const body: Body = {};
  for (const name of ["summary", "description", "location", "colorId", "visibility"]) {
    if (args[name] !== undefined) body[name] = args[name];
  }
  if (args.availability !== undefined)
    body.transparency = args.availability === "AVAILABILITY_FREE" ? "transparent" : "opaque";
  if (args.eventType !== undefined) {
    const type = restEventType(String(args.eventType));
    if (type === null || type === "birthday" || type === "fromGmail")
      throw toolFailures.invalidArgument(`Event type ${String(args.eventType)} cannot be created.`);
    body.eventType = type;
  }
  const overrides = args.overrideReminders;
  if (overrides !== undefined || args.useDefaultReminders !== undefined) {
    body.reminders = { useDefault: args.useDefaultReminders === true, overrides: overrides ?? [] };
  }
  if (isObject(args.guestPermissions)) {
    const p = args.guestPermissions;
    if (p.guestsCanInviteOthers !== undefined) body.guestsCanInviteOthers = p.guestsCanInviteOthers;
    if (p.guestsCanModify !== undefined) body.guestsCanModify = p.guestsCanModify;
    if (p.guestsCanSeeGuests !== undefined) body.guestsCanSeeOtherGuests = p.guestsCanSeeGuests;
  }
  const conferenceData = conference(args);
  if (conferenceData !== undefined) body.conferenceData = conferenceData;
  return body;
}

/**
 * "For events created on the user's primary calendar with at least one other attendee, the
 * current user will automatically be added as an attendee if not already included."
 */
export function withOrganizer(attendees: Body[], ownerEmail: string): Body[] {
  if (attendees.length === 0) return attendees;
  const present = attendees.some((a) => String(a.email).toLowerCase() === ownerEmail.toLowerCase());
  return present ? attendees : [{ email: ownerEmail }, ...attendees];
}
