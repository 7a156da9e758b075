/**
 * The MCP server's `Event` (reference §3), derived from the REST Events resource the emulator
 * renders, so both APIs show the same event. Differences from REST: no `kind`, `etag`,
 * `iCalUID` or `sequence`; `conferenceUrl` instead of `hangoutLink`/`conferenceData`;
 * attendees' `optional` is `optionalAttendee`; `eventType` is the upper-case enum of the V3
 * schemas; all-day `date`s are "midnight UTC" timestamps; `dateTime`s always carry `timeZone`
 * and are written in it.
 */

import { formatInZone, parseInstant } from "../calendar/calendar-time.ts";
import { isObject } from "../calendar/event-input.ts";
import type { EventJson } from "../calendar/event-resource.ts";

export type McpEvent = Record<string, unknown>;

const EVENT_TYPES: Record<string, string> = {
  default: "DEFAULT",
  outOfOffice: "OUT_OF_OFFICE",
  focusTime: "FOCUS_TIME",
  workingLocation: "WORKING_LOCATION",
  birthday: "BIRTHDAY",
  fromGmail: "FROM_GMAIL",
};

/** The REST `eventType` for an MCP enum value (`EVENT_TYPE_UNSPECIFIED` is `DEFAULT`). */
export function restEventType(mcp: string): string | null {
  if (mcp === "EVENT_TYPE_UNSPECIFIED") return "default";
  return Object.entries(EVENT_TYPES).find(([, value]) => value === mcp)?.[0] ?? null;
}

export function mcpEventType(rest: unknown): string {
  return EVENT_TYPES[String(rest ?? "default")] ?? "DEFAULT";
}

/** A `dateTime` is written in the event's own zone when it has one, so the pair agrees. */
function time(value: unknown, zone: string): Record<string, unknown> | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value.date === "string") return { date: `${value.date}T00:00:00Z` };
  const ownZone = typeof value.timeZone === "string" ? value.timeZone : zone;
  const instant = parseInstant(value.dateTime);
  return { dateTime: instant === null ? value.dateTime : formatInZone(instant, ownZone), timeZone: ownZone };
}

function attendee(value: unknown): Record<string, unknown> {
  const a = isObject(value) ? value : {};
  const out: Record<string, unknown> = { email: a.email };
  if (a.displayName !== undefined) out.displayName = a.displayName;
  out.responseStatus = a.responseStatus;
  if (a.self === true) out.self = true;
  if (a.organizer === true) out.organizer = true;
  if (a.resource === true) out.resource = true;
  if (a.optional === true) out.optionalAttendee = true;
  if (a.comment !== undefined) out.comment = a.comment;
  if (a.additionalGuests !== undefined) out.additionalGuests = a.additionalGuests;
  return out;
}

/** `zone` is the calendar's zone, given to timed values that have no zone of their own. */
export function toMcpEvent(rest: EventJson, zone: string): McpEvent {
  const out: McpEvent = {
    id: rest.id,
    status: rest.status,
    htmlLink: rest.htmlLink,
    created: rest.created,
    updated: rest.updated,
    summary: rest.summary,
    description: rest.description,
    location: rest.location,
    colorId: rest.colorId,
    creator: rest.creator,
    organizer: rest.organizer,
    start: time(rest.start, zone),
    end: time(rest.end, zone),
    recurrence: rest.recurrence,
    recurringEventId: rest.recurringEventId,
    originalStartTime: time(rest.originalStartTime, zone),
    transparency: rest.status === "cancelled" ? undefined : (rest.transparency ?? "opaque"),
    visibility: rest.status === "cancelled" ? undefined : (rest.visibility ?? "default"),
    attendees: Array.isArray(rest.attendees) ? rest.attendees.map(attendee) : undefined,
    eventType: mcpEventType(rest.eventType),
    conferenceUrl: rest.hangoutLink,
  };
  const reminders = rest.reminders;
  if (isObject(reminders) && Array.isArray(reminders.overrides)) out.overrideReminders = reminders.overrides;
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out;
}
