/**
 * The write tools: create_event, update_event, delete_event and respond_to_event, written
 * through the REST API's insert/patch/delete functions so both APIs share one set of rules.
 */

import type { CalendarRecord, StoredEvent } from "../calendar/calendar-store.ts";
import { addDays, daysBetween, parseInstant } from "../calendar/calendar-time.ts";
import { isObject } from "../calendar/event-input.ts";
import type { EventJson } from "../calendar/event-resource.ts";
import { shareEventWrite } from "../calendar/event-sharing.ts";
import { deleteEvent, getEvent, insertEvent, renderStored, writeEvent } from "../calendar/event-write.ts";
import {
  allDayBody,
  commonFields,
  createTimes,
  restAttendee,
  timedBody,
  withOrganizer,
} from "./event-body.ts";
import { toMcpEvent } from "./event-output.ts";
import { toolFailures } from "./mcp-errors.ts";
import { readDate, readInstant, readZone } from "./mcp-time.ts";
import { calendarOf, type ToolContext, type ToolHandler } from "./tool-context.ts";

type Body = Record<string, unknown>;

function output(calendar: CalendarRecord, event: StoredEvent): Record<string, unknown> {
  return toMcpEvent(renderStored(calendar, event, calendar.timeZone), calendar.timeZone);
}

function explicitZoneOf(context: ToolContext): string | null {
  return context.args.timeZone === undefined ? null : readZone(context.args.timeZone, "");
}

function patch(context: ToolContext, calendar: CalendarRecord, body: Body): Record<string, unknown> {
  const request = { body, conferenceVersion: 1, ifMatch: undefined, now: context.now };
  const event = writeEvent(calendar, String(context.args.eventId), request, false);
  shareEventWrite(context.state, event, context.now);
  return output(calendar, event);
}

const createEvent: ToolHandler = (context) => {
  const { args } = context;
  const calendar = calendarOf(context);
  const body: Body = {
    ...commonFields(args),
    ...createTimes(args, explicitZoneOf(context), calendar.timeZone),
  };
  const attendees = [...((args.attendees as unknown[]) ?? []), ...((args.attendeeEmails as unknown[]) ?? [])];
  if (attendees.length > 0) body.attendees = withOrganizer(attendees.map(restAttendee), calendar.ownerEmail);
  if (Array.isArray(args.recurrenceData) && args.recurrenceData.length > 0)
    body.recurrence = args.recurrenceData;
  const event = insertEvent(calendar, { body, conferenceVersion: 1, ifMatch: undefined, now: context.now });
  shareEventWrite(context.state, event, context.now);
  return output(calendar, event);
};

function instantOf(time: unknown): number | null {
  return isObject(time) && typeof time.dateTime === "string" ? parseInstant(time.dateTime) : null;
}

/** An all-day event stays all-day: moving only its start keeps its number of days. */
function allDayUpdate(current: EventJson, startTime: string | undefined, endTime: string | undefined): Body {
  if (startTime === undefined && endTime === undefined) return {};
  const from = isObject(current.start) ? String(current.start.date) : "";
  const to = isObject(current.end) ? String(current.end.date) : "";
  const start = startTime ?? from;
  return allDayBody(start, endTime ?? addDays(readDate(start, "startTime"), daysBetween(from, to)));
}

/** New `start`/`end` for an update: "preserves duration if updating only start". */
function updatedTimes(context: ToolContext, current: EventJson, calendarZone: string): Body {
  const { args } = context;
  const explicitZone = explicitZoneOf(context);
  const startTime = args.startTime as string | undefined;
  const endTime = args.endTime as string | undefined;
  if (args.allDay === true) {
    if (startTime === undefined || endTime === undefined)
      throw toolFailures.invalidArgument("start_time and end_time are required when all_day is set.");
    return allDayBody(startTime, endTime);
  }
  const oldStart = instantOf(current.start);
  const oldEnd = instantOf(current.end);
  const currentZone =
    (isObject(current.start) && (current.start.timeZone as string | undefined)) || calendarZone;
  const zone = explicitZone ?? currentZone;
  if (oldStart === null || oldEnd === null) {
    if (args.allDay !== false) return allDayUpdate(current, startTime, endTime);
    // An all-day event made timed: both bounds are needed.
    if (startTime === undefined || endTime === undefined)
      throw toolFailures.invalidArgument("start_time and end_time are required to change an all-day event.");
  }
  const start = startTime === undefined ? oldStart : readInstant(startTime, "startTime", explicitZone, zone);
  const end =
    endTime !== undefined
      ? readInstant(endTime, "endTime", explicitZone, zone)
      : (start ?? 0) + ((oldEnd ?? 0) - (oldStart ?? 0));
  return timedBody(start ?? 0, end, zone);
}

const updateEvent: ToolHandler = (context) => {
  const { args } = context;
  const calendar = calendarOf(context);
  const current = getEvent(calendar, String(args.eventId), calendar.timeZone).json;
  if (current.status === "cancelled") throw toolFailures.notFound();
  const body = commonFields(args);
  const timesChange = ["startTime", "endTime", "allDay", "timeZone"].some((name) => args[name] !== undefined);
  if (timesChange && !(args.allDay === false && args.startTime === undefined && args.endTime === undefined)) {
    Object.assign(body, updatedTimes(context, current, calendar.timeZone));
  }
  const added = [
    ...((args.addedAttendees as unknown[]) ?? []),
    ...((args.addedAttendeeEmails as unknown[]) ?? []),
  ];
  const removed = new Set(((args.removedAttendeeEmails as string[]) ?? []).map((e) => e.toLowerCase()));
  if (added.length > 0 || removed.size > 0) {
    const existing = (Array.isArray(current.attendees) ? current.attendees : []) as Body[];
    const known = new Set(existing.map((a) => String(a.email).toLowerCase()));
    const fresh = added.map(restAttendee).filter((a) => !known.has(String(a.email).toLowerCase()));
    const kept = [...existing, ...fresh].filter((a) => !removed.has(String(a.email).toLowerCase()));
    body.attendees = added.length > 0 ? withOrganizer(kept, calendar.ownerEmail) : kept;
  }
  return patch(context, calendar, body);
};

const deleteEventTool: ToolHandler = (context) => {
  const calendar = calendarOf(context);
  const eventId = String(context.args.eventId);
  shareEventWrite(context.state, deleteEvent(calendar, eventId, undefined, context.now), context.now);
  return toMcpEvent(getEvent(calendar, eventId, calendar.timeZone).json, calendar.timeZone);
};

const RESPONSES = ["accepted", "declined", "tentative"];

const respondToEvent: ToolHandler = (context) => {
  const { args } = context;
  const response = String(args.responseStatus);
  if (!RESPONSES.includes(response))
    throw toolFailures.invalidArgument(`Invalid response_status: ${response}`);
  const calendar = calendarOf(context);
  const current = getEvent(calendar, String(args.eventId), calendar.timeZone).json;
  if (current.status === "cancelled") throw toolFailures.notFound();
  const attendees = ((Array.isArray(current.attendees) ? current.attendees : []) as Body[]).map((a) => ({
    ...a,
  }));
  let self = attendees.find((a) => String(a.email).toLowerCase() === calendar.ownerEmail);
  if (self === undefined) {
    self = { email: calendar.ownerEmail };
    attendees.push(self);
  }
  self.responseStatus = response;
  if (typeof args.responseComment === "string") self.comment = args.responseComment;
  return patch(context, calendar, { attendees });
};

export const WRITE_TOOLS = {
  create_event: createEvent,
  update_event: updateEvent,
  delete_event: deleteEventTool,
  respond_to_event: respondToEvent,
} as const;
