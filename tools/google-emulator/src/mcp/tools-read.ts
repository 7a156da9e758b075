/**
 * The read tools: list_calendars, list_events, get_event and search_events, answered from the
 * same calendars the REST API serves (through its list and get functions).
 */

import type { CalendarRecord } from "../calendar/calendar-store.ts";
import { primaryCalendar } from "../calendar/calendar-store.ts";
import { formatUtcMillis, parseInstant } from "../calendar/calendar-time.ts";
import { listEvents, readListOptions } from "../calendar/event-list.ts";
import type { EventJson } from "../calendar/event-resource.ts";
import { getEvent } from "../calendar/event-write.ts";
import { type McpEvent, mcpEventType, toMcpEvent } from "./event-output.ts";
import { toolFailures } from "./mcp-errors.ts";
import { readInstant, readZone } from "./mcp-time.ts";
import {
  calendarOf,
  decodeToken,
  pageOf,
  pageSizeOf,
  type ToolContext,
  type ToolHandler,
} from "./tool-context.ts";

const WEEK_MS = 7 * 86_400_000;
const DEFAULT_EVENT_TYPES = ["DEFAULT", "OUT_OF_OFFICE", "FOCUS_TIME", "FROM_GMAIL"];
const ORDERS = ["default", "startTime", "startTimeDesc", "lastModified"];

interface RestListParams {
  timeMin?: number;
  timeMax?: number;
  q?: string;
  singleEvents: boolean;
  orderBy?: "startTime" | "updated";
  zone: string;
}

/** Every matching event of the REST list (not paged: the MCP tools page on their own). */
function restEvents(calendar: CalendarRecord, params: RestListParams): EventJson[] {
  const query: Record<string, string | undefined> = {
    timeMin: params.timeMin === undefined ? undefined : formatUtcMillis(params.timeMin),
    timeMax: params.timeMax === undefined ? undefined : formatUtcMillis(params.timeMax),
    q: params.q,
    singleEvents: String(params.singleEvents),
    orderBy: params.orderBy,
    timeZone: params.zone,
  };
  const options = readListOptions((name) => query[name], calendar);
  options.maxResults = Number.MAX_SAFE_INTEGER;
  return listEvents(calendar, options).items as EventJson[];
}

function startOf(event: McpEvent): number {
  const start = event.start as { dateTime?: string; date?: string } | undefined;
  return parseInstant(start?.dateTime ?? start?.date ?? "") ?? 0;
}

function wantedTypes(context: ToolContext): string[] {
  const types = context.args.eventType as string[] | undefined;
  const legacy = context.args.eventTypeFilter as string[] | undefined;
  if (types !== undefined && types.length > 0)
    return types.map((t) => (t === "EVENT_TYPE_UNSPECIFIED" ? "DEFAULT" : t));
  if (legacy !== undefined && legacy.length > 0) return legacy.map(mcpEventType);
  return DEFAULT_EVENT_TYPES;
}

const listCalendars: ToolHandler = (context) => {
  const calendars = [primaryCalendar(context.state, context.email)].map((calendar) => ({
    id: calendar.id,
    summary: calendar.summary,
    timeZone: calendar.timeZone,
  }));
  const size = pageSizeOf(context.args.pageSize, 100, 250);
  const page = pageOf(calendars, decodeToken(context.args.pageToken)?.o ?? 0, size);
  return {
    calendars: page.items,
    ...(page.nextPageToken === undefined ? {} : { nextPageToken: page.nextPageToken }),
  };
};

const listEventsTool: ToolHandler = (context) => {
  const calendar = calendarOf(context);
  const explicitZone = context.args.timeZone === undefined ? null : readZone(context.args.timeZone, "");
  const zone = explicitZone ?? calendar.timeZone;
  const token = decodeToken(context.args.pageToken);
  const read = (field: "startTime" | "endTime"): number | undefined => {
    const value = context.args[field];
    return typeof value === "string" ? readInstant(value, field, explicitZone, zone) : undefined;
  };
  const start = token?.s ?? read("startTime") ?? context.now;
  const end = token?.e ?? read("endTime") ?? start + WEEK_MS;
  if (end <= start) throw toolFailures.invalidArgument("The specified time range is empty.");
  const orderBy = (context.args.orderBy as string | undefined) ?? "default";
  if (!ORDERS.includes(orderBy)) throw toolFailures.invalidArgument(`Invalid order_by: ${orderBy}`);
  const types = wantedTypes(context);
  const rows = restEvents(calendar, {
    timeMin: start,
    timeMax: end,
    q: context.args.fullText as string | undefined,
    singleEvents: true,
    orderBy: orderBy === "lastModified" ? "updated" : "startTime",
    zone,
  })
    .map((json) => toMcpEvent(json, zone))
    .filter((event) => types.includes(String(event.eventType)));
  if (orderBy === "startTimeDesc") rows.reverse();
  const page = pageOf(rows, token?.o ?? 0, pageSizeOf(context.args.pageSize, 100, 250), { s: start, e: end });
  const out: Record<string, unknown> = {
    summary: calendar.summary,
    updated: formatUtcMillis(calendar.updated),
    timeZone: calendar.timeZone,
    accessRole: "owner",
    defaultReminders: [{ method: "popup", minutes: 10 }],
    events: page.items,
  };
  if (page.nextPageToken !== undefined) out.nextPageToken = page.nextPageToken;
  return out;
};

const getEventTool: ToolHandler = (context) => {
  const calendar = calendarOf(context);
  const { json } = getEvent(calendar, String(context.args.eventId), calendar.timeZone);
  return toMcpEvent(json, calendar.timeZone);
};

const searchEvents: ToolHandler = (context) => {
  const calendar = primaryCalendar(context.state, context.email);
  const rows = restEvents(calendar, {
    q: String(context.args.query),
    singleEvents: false,
    zone: calendar.timeZone,
  })
    .filter((json) => json.status !== "cancelled")
    .map((json) => toMcpEvent(json, calendar.timeZone))
    .sort((a, b) => startOf(a) - startOf(b));
  const page = pageOf(
    rows,
    decodeToken(context.args.pageToken)?.o ?? 0,
    pageSizeOf(context.args.pageSize, 100, 250),
  );
  return {
    events: page.items,
    ...(page.nextPageToken === undefined ? {} : { nextPageToken: page.nextPageToken }),
  };
};

export const READ_TOOLS = {
  list_calendars: listCalendars,
  list_events: listEventsTool,
  get_event: getEventTool,
  search_events: searchEvents,
} as const;
