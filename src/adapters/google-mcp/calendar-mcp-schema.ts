import { z } from "zod";
import type {
  Attendee,
  CalendarEvent,
  CalendarSummary,
  EventDraft,
  EventTime,
  ResponseStatus,
  SendUpdates,
} from "../../domain/calendar.ts";

/**
 * Every name of Google's Calendar MCP server that we use: tools, argument fields, output fields.
 * Built from the newest (V3, Aug–Nov 2026) schema in the team's reference; a change of Google's
 * schema is a fix in this file only. Output parsing is lenient: unknown fields are ignored, enum
 * values are read in either case, and a missing field gets the REST mapping's default.
 */

export const TOOLS = {
  listCalendars: "list_calendars",
  listEvents: "list_events",
  getEvent: "get_event",
  searchEvents: "search_events",
  suggestTime: "suggest_time",
  createEvent: "create_event",
  updateEvent: "update_event",
  deleteEvent: "delete_event",
  respondToEvent: "respond_to_event",
} as const;

export type CalendarTool = (typeof TOOLS)[keyof typeof TOOLS];

/** Tools that change nothing: safe to send again after a failure. */
export const READ_TOOLS: ReadonlySet<CalendarTool> = new Set([
  TOOLS.listCalendars,
  TOOLS.listEvents,
  TOOLS.getEvent,
  TOOLS.searchEvents,
  TOOLS.suggestTime,
]);

/** `list_events` and `list_calendars` refuse larger pages (V3). */
export const MAX_PAGE_SIZE = 250;

export type ToolArguments = Record<string, unknown>;

const NOTIFICATION: Record<SendUpdates, string> = { all: "ALL", externalOnly: "EXTERNAL_ONLY", none: "NONE" };

/**
 * Google's MCP default is "treated as ALL" (V3) while the REST default sends nothing: say NONE
 * unless asked, so both backends mail the same people.
 */
function notificationLevel(sendUpdates: SendUpdates | undefined): string {
  return NOTIFICATION[sendUpdates ?? "none"];
}

export function listCalendarsArgs(pageToken: string | undefined): ToolArguments {
  return { pageSize: MAX_PAGE_SIZE, ...(pageToken === undefined ? {} : { pageToken }) };
}

export interface ListEventsInput {
  timeMin?: Date;
  timeMax?: Date;
  text?: string;
  pageSize?: number;
  pageToken?: string;
  timeZone?: string;
}

/**
 * The newest `list_events` reads a missing bound as "now" and "start + 7 days" where REST reads
 * the beginning and end of time: a window open on one side is closed this far away instead.
 */
const OPEN_WINDOW_MS = 5 * 366 * 86_400_000;

export function listEventsArgs(calendarId: string, input: ListEventsInput): ToolArguments {
  const args: ToolArguments = { calendarId, orderBy: "startTime" };
  const { timeMin, timeMax } = input;
  if (timeMin !== undefined || timeMax !== undefined) {
    const start = timeMin ?? new Date((timeMax?.getTime() ?? 0) - OPEN_WINDOW_MS);
    args.startTime = start.toISOString();
    args.endTime = (timeMax ?? new Date(start.getTime() + OPEN_WINDOW_MS)).toISOString();
  }
  if (input.text !== undefined) args.fullText = input.text;
  if (input.pageSize !== undefined) args.pageSize = Math.min(Math.max(1, input.pageSize), MAX_PAGE_SIZE);
  if (input.pageToken !== undefined) args.pageToken = input.pageToken;
  if (input.timeZone !== undefined) args.timeZone = input.timeZone;
  return args;
}

export function getEventArgs(calendarId: string, eventId: string): ToolArguments {
  return { calendarId, eventId };
}

export function deleteEventArgs(
  calendarId: string,
  eventId: string,
  sendUpdates: SendUpdates | undefined,
): ToolArguments {
  return { calendarId, eventId, notificationLevel: notificationLevel(sendUpdates) };
}

export function createEventArgs(
  calendarId: string,
  draft: EventDraft,
  options: { addMeetLink?: boolean; sendUpdates?: SendUpdates },
): ToolArguments {
  const args: ToolArguments = { calendarId, summary: draft.summary ?? "" };
  Object.assign(args, textFields(draft), timeFields(draft));
  if (draft.attendees !== undefined) args.attendees = draft.attendees.map(attendeeInput);
  if (draft.recurrence !== undefined) args.recurrenceData = draft.recurrence;
  if (options.addMeetLink === true) args.addGoogleMeetUrl = true;
  args.notificationLevel = notificationLevel(options.sendUpdates);
  return args;
}

/** `update_event` adds and removes attendees instead of replacing the list (patch-plan.ts). */
export interface AttendeeDelta {
  added: { email: string; optional?: boolean }[];
  removedEmails: string[];
}

export function updateEventArgs(
  calendarId: string,
  eventId: string,
  fields: EventDraft,
  delta: AttendeeDelta,
  sendUpdates: SendUpdates | undefined,
): ToolArguments {
  const args: ToolArguments = { calendarId, eventId };
  if (fields.summary !== undefined) args.summary = fields.summary;
  Object.assign(args, textFields(fields), timeFields(fields));
  // Moving an all-day event to times must say so: an unset allDay would keep it all-day.
  if ((fields.start !== undefined || fields.end !== undefined) && args.allDay === undefined)
    args.allDay = false;
  if (delta.added.length > 0) args.addedAttendees = delta.added.map(attendeeInput);
  if (delta.removedEmails.length > 0) args.removedAttendeeEmails = delta.removedEmails;
  args.notificationLevel = notificationLevel(sendUpdates);
  return args;
}

export function respondToEventArgs(
  calendarId: string,
  eventId: string,
  responseStatus: "accepted" | "declined" | "tentative",
  sendUpdates: SendUpdates | undefined,
): ToolArguments {
  return { calendarId, eventId, responseStatus, notificationLevel: notificationLevel(sendUpdates) };
}

function textFields(draft: EventDraft): ToolArguments {
  const out: ToolArguments = {};
  if (draft.description !== undefined) out.description = draft.description;
  if (draft.location !== undefined) out.location = draft.location;
  return out;
}

/**
 * Times go as RFC 3339 with their offset; the zone, when the domain has one, goes as `timeZone`
 * (it matches the offset, so "overrides offsets" and "resolve local times" read it the same).
 * All-day spans are midnight UTC with `allDay` (V1's documented form, still accepted later).
 */
function timeFields(draft: EventDraft): ToolArguments {
  const out: ToolArguments = {};
  const { start, end } = draft;
  if (start !== undefined) out.startTime = timeText(start);
  if (end !== undefined) out.endTime = timeText(end);
  const zone =
    (start !== undefined && "timeZone" in start ? start.timeZone : undefined) ??
    (end !== undefined && "timeZone" in end ? end.timeZone : undefined);
  if (zone !== undefined) out.timeZone = zone;
  if ((start !== undefined && "date" in start) || (end !== undefined && "date" in end)) out.allDay = true;
  return out;
}

function timeText(time: EventTime): string {
  return "date" in time ? `${time.date}T00:00:00Z` : time.dateTime;
}

function attendeeInput(attendee: { email: string; optional?: boolean }): ToolArguments {
  return attendee.optional === true
    ? { email: attendee.email, optionalAttendee: true }
    : { email: attendee.email };
}

// ---- Output ----

const text = z.string().optional().catch(undefined);
const flag = z.boolean().optional().catch(undefined);

const dateOrDateTime = z.object({ date: text, dateTime: text, timeZone: text }).optional().catch(undefined);

const attendeeOutput = z.object({
  email: text,
  displayName: text,
  responseStatus: text,
  self: flag,
  organizer: flag,
  optionalAttendee: flag,
  optional: flag,
});

const eventOutput = z.object({
  id: z.string().min(1),
  status: text,
  htmlLink: text,
  created: text,
  updated: text,
  summary: text,
  description: text,
  location: text,
  organizer: z.object({ email: text }).optional().catch(undefined),
  start: dateOrDateTime,
  end: dateOrDateTime,
  recurrence: z.array(z.string()).optional().catch(undefined),
  recurringEventId: text,
  transparency: text,
  availability: text,
  attendees: z.array(attendeeOutput).optional().catch(undefined),
  conferenceUrl: text,
  googleMeetUrl: text,
  hangoutLink: text,
});

export type EventOutput = z.infer<typeof eventOutput>;

const eventList = z.object({
  events: z.array(z.unknown()).optional().catch(undefined),
  nextPageToken: text,
  timeZone: text,
});

const calendarList = z.object({
  calendars: z
    .array(
      z.object({
        id: z.string().min(1),
        summary: text,
        summaryOverride: text,
        timeZone: text,
        primary: flag,
        accessRole: text,
      }),
    )
    .optional()
    .catch(undefined),
  nextPageToken: text,
});

/** The etag of an MCP event: Google's MCP output has no etag, `updated` changes with every write. */
export function etagOf(updated: string | null): string {
  return `mcp-updated:${updated ?? ""}`;
}

/** @returns null when the object is not an event (no id) */
export function parseEvent(calendarId: string, raw: unknown): CalendarEvent | null {
  const parsed = eventOutput.safeParse(raw);
  if (!parsed.success) return null;
  const event = parsed.data;
  const updated = event.updated ?? null;
  return {
    id: event.id,
    calendarId,
    status: eventStatus(event.status),
    summary: event.summary ?? null,
    description: event.description ?? null,
    location: event.location ?? null,
    start: eventTime(event.start),
    end: eventTime(event.end),
    htmlLink: event.htmlLink ?? null,
    meetLink: event.conferenceUrl ?? event.googleMeetUrl ?? event.hangoutLink ?? null,
    attendees: (event.attendees ?? []).map(toAttendee),
    organizerEmail: event.organizer?.email ?? null,
    recurringEventId: event.recurringEventId ?? null,
    recurrence: event.recurrence ?? [],
    transparency: transparency(event.transparency, event.availability),
    etag: etagOf(updated),
    created: event.created ?? null,
    updated,
  };
}

export interface EventListOutput {
  events: unknown[];
  nextPageToken: string | null;
  /** The calendar's zone (the list's envelope is the calendar). */
  timeZone: string | null;
}

/** @returns null when the answer is not an event list */
export function parseEventList(raw: unknown): EventListOutput | null {
  const parsed = eventList.safeParse(raw);
  if (!parsed.success) return null;
  return {
    events: parsed.data.events ?? [],
    nextPageToken: nonEmpty(parsed.data.nextPageToken),
    timeZone: nonEmpty(parsed.data.timeZone),
  };
}

export interface CalendarListOutput {
  calendars: CalendarSummary[];
  nextPageToken: string | null;
}

const ROLES: readonly CalendarSummary["accessRole"][] = ["owner", "writer", "reader", "freeBusyReader"];

/**
 * `list_calendars` gives only id, summary, description and timeZone (V1–V3); `primary` and
 * `accessRole` are read when present. Without them the first calendar is the primary one (Google
 * lists it first) and owned; the others count as readable only.
 * @returns null when the answer is not a calendar list
 */
export function parseCalendarList(raw: unknown, firstPage: boolean): CalendarListOutput | null {
  const parsed = calendarList.safeParse(raw);
  if (!parsed.success) return null;
  const entries = parsed.data.calendars ?? [];
  const anyPrimary = entries.some((entry) => entry.primary === true);
  const calendars = entries.map((entry, index): CalendarSummary => {
    const primary = anyPrimary ? entry.primary === true : firstPage && index === 0;
    const role = ROLES.find((known) => known === entry.accessRole) ?? (primary ? "owner" : "reader");
    return {
      id: entry.id,
      summary: entry.summaryOverride ?? entry.summary ?? entry.id,
      timeZone: entry.timeZone ?? "UTC",
      primary,
      accessRole: role,
    };
  });
  return { calendars, nextPageToken: nonEmpty(parsed.data.nextPageToken) };
}

function eventStatus(status: string | undefined): CalendarEvent["status"] {
  const value = status?.toLowerCase();
  return value === "tentative" || value === "cancelled" ? value : "confirmed";
}

/** `transparency` (deprecated in V3) or its successor `availability`. */
function transparency(
  value: string | undefined,
  availability: string | undefined,
): CalendarEvent["transparency"] {
  if (value?.toLowerCase() === "transparent") return "transparent";
  if (availability?.toUpperCase() === "AVAILABILITY_FREE") return "transparent";
  return "opaque";
}

/** `date` may be "2026-03-10" or "2026-03-10T00:00:00Z" (midnight UTC, as Google documents it). */
function eventTime(time: z.infer<typeof dateOrDateTime>): EventTime {
  if (time?.date !== undefined && time.date.length >= 10) return { date: time.date.slice(0, 10) };
  const dateTime = time?.dateTime ?? "";
  return time?.timeZone === undefined ? { dateTime } : { dateTime, timeZone: time.timeZone };
}

const RESPONSES: Record<string, ResponseStatus> = {
  needsaction: "needsAction",
  declined: "declined",
  tentative: "tentative",
  accepted: "accepted",
};

function toAttendee(attendee: z.infer<typeof attendeeOutput>): Attendee {
  const key = (attendee.responseStatus ?? "").replaceAll("_", "").toLowerCase();
  const out: Attendee = { email: attendee.email ?? "", responseStatus: RESPONSES[key] ?? "needsAction" };
  if (attendee.displayName !== undefined) out.displayName = attendee.displayName;
  if (attendee.optionalAttendee === true || attendee.optional === true) out.optional = true;
  if (attendee.self === true) out.self = true;
  if (attendee.organizer === true) out.organizer = true;
  return out;
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value === "" ? null : value;
}

/**
 * `suggest_time` for one person's free time over the whole window: the shortest slots Google
 * considers, every hour of every day, as many as it will list.
 */
export function suggestTimeArgs(
  email: string,
  timeMin: Date,
  timeMax: Date,
  timeZone?: string,
): ToolArguments {
  return {
    attendeeEmails: [email],
    startTime: timeMin.toISOString(),
    endTime: timeMax.toISOString(),
    durationMinutes: SUGGEST_MIN_MINUTES,
    ...(timeZone === undefined ? {} : { timeZone }),
    preferences: {
      startHour: "00:00",
      endHour: "23:59",
      excludeWeekends: false,
      pageSize: SUGGEST_PAGE_SIZE,
    },
  };
}

const SUGGEST_MIN_MINUTES = 15;
const SUGGEST_PAGE_SIZE = 500;

const suggestedSlots = z.object({
  timeSlots: z
    .array(
      z.object({
        start: dateOrDateTime,
        end: dateOrDateTime,
        startTime: text,
        endTime: text,
      }),
    )
    .optional()
    .catch([]),
});

/** The free periods `suggest_time` answered, as instants; null when the answer is not a slot list. */
export function parseSuggestedFree(raw: unknown): Array<{ start: Date; end: Date }> | null {
  const parsed = suggestedSlots.safeParse(raw);
  if (!parsed.success) return null;
  const free: Array<{ start: Date; end: Date }> = [];
  for (const slot of parsed.data.timeSlots ?? []) {
    const start = slot.start?.dateTime ?? slot.startTime;
    const end = slot.end?.dateTime ?? slot.endTime;
    if (start === undefined || end === undefined) continue;
    const from = new Date(start);
    const to = new Date(end);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || to <= from) return null;
    free.push({ start: from, end: to });
  }
  return free.sort((a, b) => a.start.getTime() - b.start.getTime());
}
