/**
 * The OAuth scopes each Calendar MCP tool accepts, any one sufficing. Google's per-tool table
 * was not captured; this is the reference's inference (§7): reads need an events read scope,
 * list_calendars the calendar-list scope, writes `calendar.events`, suggest_time a free/busy
 * scope, each "or broader".
 */

import type { ToolName } from "./tool-catalog.ts";

const scope = (name: string): string => `https://www.googleapis.com/auth/${name}`;

const WRITE = ["calendar", "calendar.events", "calendar.events.owned"].map(scope);
const READ = [
  ...WRITE,
  ...["calendar.readonly", "calendar.events.readonly", "calendar.events.owned.readonly"].map(scope),
];
const CALENDAR_LIST = [
  "calendar",
  "calendar.readonly",
  "calendar.calendarlist",
  "calendar.calendarlist.readonly",
].map(scope);
const FREEBUSY = [
  ...["calendar.freebusy", "calendar.events.freebusy"].map(scope),
  ...["calendar", "calendar.readonly", "calendar.events", "calendar.events.readonly"].map(scope),
];

export const TOOL_SCOPES: Record<ToolName, readonly string[]> = {
  list_calendars: CALENDAR_LIST,
  list_events: READ,
  get_event: READ,
  search_events: READ,
  suggest_time: FREEBUSY,
  create_event: WRITE,
  update_event: WRITE,
  delete_event: WRITE,
  respond_to_event: WRITE,
};

/** What the protected-resource metadata advertises: the narrowest scopes covering every tool. */
export const SCOPES_SUPPORTED = [
  "calendar.calendarlist.readonly",
  "calendar.events.readonly",
  "calendar.events",
  "calendar.events.freebusy",
  "calendar.freebusy",
].map(scope);
