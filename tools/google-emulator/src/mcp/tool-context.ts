/** What every Calendar MCP tool handler receives, and the lookups they share. */

import { type CalendarRecord, resolveCalendar } from "../calendar/calendar-store.ts";
import type { EmulatorState } from "../emulator-state.ts";
import { toolFailures } from "./mcp-errors.ts";
import type { ToolArguments } from "./tool-arguments.ts";

export interface ToolContext {
  state: EmulatorState;
  /** The account the bearer token belongs to. */
  email: string;
  args: ToolArguments;
  /** epoch ms */
  now: number;
}

export type ToolHandler = (context: ToolContext) => Record<string, unknown>;

/** `calendarId` (default primary) resolved for the caller; someone else's calendar is NOT_FOUND. */
export function calendarOf(context: ToolContext): CalendarRecord {
  const id = context.args.calendarId;
  const calendar = resolveCalendar(context.state, context.email, typeof id === "string" ? id : "primary");
  if (calendar === null) throw toolFailures.notFound();
  return calendar;
}

/** `pageSize`: unset or 0 means the default; larger than `max` is capped, as Google's lists do. */
export function pageSizeOf(value: unknown, fallback: number, max: number): number {
  if (value === undefined || value === 0) return fallback;
  if (typeof value !== "number" || value < 0) throw toolFailures.invalidArgument("Invalid page size.");
  return Math.min(value, max);
}

interface PageState {
  /** offset into the result */
  o: number;
  /** the list's window, fixed by the first page so "now" does not move under the client */
  s?: number;
  e?: number;
}

export function encodeToken(state: PageState): string {
  return Buffer.from(JSON.stringify(state)).toString("base64url");
}

export function decodeToken(value: unknown): PageState | null {
  if (value === undefined || value === "") return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(String(value), "base64url").toString("utf8"));
    const page = parsed as PageState;
    if (typeof page.o === "number" && Number.isInteger(page.o) && page.o >= 0) return page;
  } catch {
    // reported below
  }
  throw toolFailures.invalidArgument("Invalid page token value.");
}

/** One page of `items` and the token of the next, if any. */
export function pageOf<T>(
  items: T[],
  offset: number,
  size: number,
  window: Omit<PageState, "o"> = {},
): { items: T[]; nextPageToken?: string } {
  const end = offset + size;
  const page: { items: T[]; nextPageToken?: string } = { items: items.slice(offset, end) };
  if (end < items.length) page.nextPageToken = encodeToken({ ...window, o: end });
  return page;
}
