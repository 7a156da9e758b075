import type {
  CalendarEvent,
  CalendarSummary,
  EventDraft,
  Interval,
  SendUpdates,
} from "../../domain/calendar.ts";
import { DomainError, isDomainError } from "../../domain/errors.ts";
import type {
  ApprovalOptions,
  CalendarGateway,
  EventPage,
  EventQuery,
  FreeBusyAnswer,
  FreeBusyQuery,
  InsertOptions,
  PatchOptions,
} from "../../domain/ports/calendar-gateway.ts";
import { type GoogleCallObserver, IGNORE_GOOGLE_CALLS } from "../google/google-call-observer.ts";
import type { RetryPolicy } from "../google/outbound-call.ts";
import { ApprovalSession } from "./approval-session.ts";
import { ApprovalTokens } from "./approval-token.ts";
import { withMarker, withoutMarker } from "./booking-marker.ts";
import { busyFromEvents } from "./busy-from-events.ts";
import { unreadable } from "./calendar-mcp-errors.ts";
import * as schema from "./calendar-mcp-schema.ts";
import { McpJsonRpcClient } from "./mcp-json-rpc-client.ts";
import { type CallContext, McpToolCaller } from "./mcp-tool-caller.ts";
import { type PatchChanges, planPatch } from "./patch-plan.ts";

/**
 * The customer's Google Calendar through Google's Calendar MCP server
 * (`https://calendarmcp.googleapis.com/mcp/v1`), the customer's access token as bearer. No request
 * goes to the Calendar REST API. Google requests per port method (each one costs money):
 *
 * | method        | requests                                                              |
 * |---------------|-----------------------------------------------------------------------|
 * | listCalendars | 1 per 250 calendars (list_calendars)                                  |
 * | getTimeZone   | 1 (list_calendars; +1 list_events if the calendar is not in the list) |
 * | listEvents    | 1 (list_events)                                                       |
 * | getEvent      | 1 (get_event)                                                         |
 * | freeBusy      | 1 list_events per calendar per 250 events (no free/busy tool)         |
 * | insertEvent   | 1 (create_event)                                                      |
 * | patchEvent    | 1 (update_event or respond_to_event); +1 get_event with an etag or    |
 * |               | attendee change (no etag over MCP; attendees change as a delta)       |
 * | deleteEvent   | 1 (delete_event)                                                      |
 *
 * Reads and deletes are retried like the REST gateway's (each attempt is a request and is
 * counted); creates and updates never are (mcp-tool-caller.ts).
 */
export interface GoogleMcpCalendarGatewayOptions {
  /** `GOOGLE_CALENDAR_MCP_URL`. */
  url: string;
  /** Key of the approval tokens' HMAC (32+ bytes, the same on every instance). */
  approvalKey: Uint8Array;
  timeoutMs?: number;
  /** Reads and deletes are retried by it; creates and updates never are. */
  retry: RetryPolicy;
  observe?: GoogleCallObserver;
  now?: () => number;
  fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_CALENDAR_PAGES = 10;
/** 10,000 events per calendar in a free/busy window bounds a misbehaving pager. */
const MAX_EVENT_PAGES = 40;

export class GoogleMcpCalendarGateway implements CalendarGateway {
  readonly #caller: McpToolCaller;
  readonly #tokens: ApprovalTokens;
  readonly #now: () => number;

  constructor(options: GoogleMcpCalendarGatewayOptions) {
    const client = new McpJsonRpcClient({
      url: options.url,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });
    this.#caller = new McpToolCaller(client, options.retry, options.observe ?? IGNORE_GOOGLE_CALLS);
    this.#tokens = new ApprovalTokens(options.approvalKey);
    this.#now = options.now ?? Date.now;
  }

  async listCalendars(accessToken: string): Promise<CalendarSummary[]> {
    return this.#run(accessToken, {}, async (ctx) => {
      const summaries: CalendarSummary[] = [];
      let pageToken: string | undefined;
      for (let page = 0; page < MAX_CALENDAR_PAGES; page += 1) {
        const list = await this.#calendarPage(ctx, pageToken, page === 0);
        summaries.push(...list.calendars);
        if (list.nextPageToken === null) break;
        pageToken = list.nextPageToken;
      }
      return summaries;
    });
  }

  /** From the calendar list; a calendar not on it answers through its event list's envelope. */
  async getTimeZone(accessToken: string, calendarId: string): Promise<string> {
    return this.#run(accessToken, {}, async (ctx) => {
      const { calendars } = await this.#calendarPage(ctx, undefined, true);
      const entry = calendars.find((c) => (calendarId === "primary" ? c.primary : c.id === calendarId));
      if (entry !== undefined && entry.timeZone !== "") return entry.timeZone;
      const list = await this.#eventPage(ctx, calendarId, { pageSize: 1 });
      if (list.timeZone === null) {
        throw new DomainError("google_unavailable", "Google did not report the calendar's time zone");
      }
      return list.timeZone;
    });
  }

  async listEvents(accessToken: string, calendarId: string, query: EventQuery): Promise<EventPage> {
    return this.#run(accessToken, query, async (ctx) => {
      const list = await this.#eventPage(ctx, calendarId, {
        ...pick(query, ["timeMin", "timeMax", "text", "pageToken", "timeZone"]),
        ...(query.maxResults === undefined ? {} : { pageSize: query.maxResults }),
      });
      return {
        events: toEvents(calendarId, list.events),
        nextPageToken: list.nextPageToken,
        calendarTimeZone: list.timeZone,
      };
    });
  }

  async getEvent(
    accessToken: string,
    calendarId: string,
    eventId: string,
    options: ApprovalOptions = {},
  ): Promise<CalendarEvent> {
    return this.#run(accessToken, options, (ctx) => this.#getEvent(ctx, calendarId, eventId));
  }

  /** No free/busy tool: busy time is derived from each calendar's events, page by page. */
  async freeBusy(accessToken: string, query: FreeBusyQuery): Promise<FreeBusyAnswer> {
    return this.#run(accessToken, query, async (ctx) => {
      const answer: FreeBusyAnswer = new Map();
      for (const calendarId of query.calendarIds) {
        try {
          answer.set(calendarId, { busy: await this.#busy(ctx, calendarId, query) });
        } catch (error) {
          // As Google's free/busy does: a calendar this account cannot read is an entry, not a failure.
          if (!isDomainError(error, "not_found") && !isPermissionDenied(error)) throw error;
          // Someone else's calendar: their free time is what Google's suggest_time is for.
          const busy = calendarId.includes("@") ? await this.#busyOfOthers(ctx, calendarId, query) : null;
          answer.set(calendarId, busy === null ? { busy: [], error: "notFound" } : { busy });
        }
      }
      return answer;
    });
  }

  /**
   * Another person's busy time, as the complement of the free periods `suggest_time` lists for
   * them over the window (one request). Conservative: time Google does not offer as free (gaps
   * shorter than its shortest slot, or beyond the slots it lists) reads as busy. Null when Google
   * cannot tell either.
   */
  async #busyOfOthers(ctx: CallContext, email: string, query: FreeBusyQuery): Promise<Interval[] | null> {
    let data: unknown;
    try {
      data = await this.#caller.call(
        ctx,
        schema.TOOLS.suggestTime,
        schema.suggestTimeArgs(email, query.timeMin, query.timeMax, query.timeZone),
      );
    } catch (error) {
      if (
        isDomainError(error, "not_found") ||
        isPermissionDenied(error) ||
        isDomainError(error, "invalid_argument")
      ) {
        return null;
      }
      throw error;
    }
    const free = schema.parseSuggestedFree(data);
    if (free === null) return null;
    const busy: Interval[] = [];
    let cursor = query.timeMin;
    for (const slot of free) {
      if (slot.start > cursor)
        busy.push({ start: cursor, end: new Date(Math.min(slot.start.getTime(), query.timeMax.getTime())) });
      if (slot.end > cursor) cursor = slot.end;
      if (cursor >= query.timeMax) break;
    }
    if (cursor < query.timeMax) busy.push({ start: cursor, end: query.timeMax });
    return busy.filter((interval) => interval.end > interval.start);
  }

  /**
   * `create_event` takes no id: `options.eventId` is not sent but written as a reference line at
   * the end of the description, so the event can be found again (booking-marker.ts).
   */
  async insertEvent(
    accessToken: string,
    calendarId: string,
    draft: EventDraft,
    options: InsertOptions,
  ): Promise<CalendarEvent> {
    return this.#run(accessToken, options, async (ctx) => {
      const marked =
        options.eventId === undefined
          ? draft
          : { ...draft, description: withMarker(draft.description, options.eventId) };
      const args = schema.createEventArgs(calendarId, marked, pick(options, ["addMeetLink", "sendUpdates"]));
      return this.#event(
        calendarId,
        await this.#caller.call(ctx, schema.TOOLS.createEvent, args),
        "create_event",
      );
    });
  }

  /**
   * Without an etag over MCP, `options.etag` (ours: `mcp-updated:<updated>`) is checked against a
   * fresh read; a change between that read and the write is not caught. A change of only the
   * customer's own response goes through `respond_to_event`.
   */
  async patchEvent(
    accessToken: string,
    calendarId: string,
    eventId: string,
    changes: PatchChanges,
    options: PatchOptions,
  ): Promise<CalendarEvent> {
    return this.#run(accessToken, options, async (ctx) => {
      const needsRead = options.etag !== undefined || changes.attendees !== undefined;
      const current = needsRead ? await this.#getEvent(ctx, calendarId, eventId) : null;
      if (current !== null && options.etag !== undefined && current.etag !== options.etag) {
        throw new DomainError("precondition_failed", "The event changed since it was read; read it again", {
          details: { event_id: eventId, reason: "event_changed" },
        });
      }
      const plan = planPatch(changes, current);
      let event = current;
      if (plan.update) {
        const args = schema.updateEventArgs(
          calendarId,
          eventId,
          plan.fields,
          plan.delta,
          options.sendUpdates,
        );
        event = this.#event(
          calendarId,
          await this.#caller.call(ctx, schema.TOOLS.updateEvent, args),
          "update_event",
        );
      }
      if (plan.respond !== null) {
        const args = schema.respondToEventArgs(calendarId, eventId, plan.respond, options.sendUpdates);
        event = this.#event(
          calendarId,
          await this.#caller.call(ctx, schema.TOOLS.respondToEvent, args),
          "respond_to_event",
        );
      }
      // Nothing to change (the same answer again): no write, no cost.
      return event ?? (await this.#getEvent(ctx, calendarId, eventId));
    });
  }

  async deleteEvent(
    accessToken: string,
    calendarId: string,
    eventId: string,
    options: { sendUpdates?: SendUpdates } & ApprovalOptions,
  ): Promise<void> {
    await this.#run(accessToken, options, async (ctx) => {
      await this.#caller.call(
        ctx,
        schema.TOOLS.deleteEvent,
        schema.deleteEventArgs(calendarId, eventId, options.sendUpdates),
      );
    });
  }

  async #busy(ctx: CallContext, calendarId: string, query: FreeBusyQuery) {
    const events: CalendarEvent[] = [];
    let zone: string | null = null;
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_EVENT_PAGES; page += 1) {
      const list = await this.#eventPage(ctx, calendarId, {
        timeMin: query.timeMin,
        timeMax: query.timeMax,
        pageSize: schema.MAX_PAGE_SIZE,
        ...(query.timeZone === undefined ? {} : { timeZone: query.timeZone }),
        ...(pageToken === undefined ? {} : { pageToken }),
      });
      zone ??= list.timeZone;
      events.push(...toEvents(calendarId, list.events));
      if (list.nextPageToken === null) break;
      pageToken = list.nextPageToken;
    }
    return busyFromEvents(
      events,
      { start: query.timeMin, end: query.timeMax },
      zone ?? query.timeZone ?? "UTC",
    );
  }

  async #getEvent(ctx: CallContext, calendarId: string, eventId: string): Promise<CalendarEvent> {
    const data = await this.#caller.call(
      ctx,
      schema.TOOLS.getEvent,
      schema.getEventArgs(calendarId, eventId),
    );
    return this.#event(calendarId, data, "get_event");
  }

  async #calendarPage(ctx: CallContext, pageToken: string | undefined, firstPage: boolean) {
    const data = await this.#caller.call(
      ctx,
      schema.TOOLS.listCalendars,
      schema.listCalendarsArgs(pageToken),
    );
    const list = schema.parseCalendarList(data, firstPage);
    if (list === null) throw unreadable("list_calendars");
    return list;
  }

  async #eventPage(ctx: CallContext, calendarId: string, input: schema.ListEventsInput) {
    const data = await this.#caller.call(
      ctx,
      schema.TOOLS.listEvents,
      schema.listEventsArgs(calendarId, input),
    );
    const list = schema.parseEventList(data);
    if (list === null) throw unreadable("list_events");
    return list;
  }

  #event(calendarId: string, data: unknown, what: string): CalendarEvent {
    const event = schema.parseEvent(calendarId, data);
    if (event === null) throw unreadable(what);
    return { ...event, description: withoutMarker(event.description) };
  }

  /** One operation: its approvals checked first, and an unused approval refused at the end. */
  async #run<T>(
    accessToken: string,
    options: ApprovalOptions,
    work: (ctx: CallContext) => Promise<T>,
  ): Promise<T> {
    const approvals = new ApprovalSession(this.#tokens, accessToken, options, this.#now());
    const result = await work({ accessToken, approvals });
    approvals.finish();
    return result;
  }
}

function isPermissionDenied(error: unknown): boolean {
  return isDomainError(error, "insufficient_scope") && error.details.reason === "google_permission_denied";
}

function toEvents(calendarId: string, raw: unknown[]): CalendarEvent[] {
  return raw
    .map((item) => schema.parseEvent(calendarId, item))
    .filter((event): event is CalendarEvent => event !== null)
    .map((event) => ({ ...event, description: withoutMarker(event.description) }));
}

function pick<T extends object, K extends keyof T>(value: T, keys: K[]): { [P in K]?: NonNullable<T[P]> } {
  const out: { [P in K]?: NonNullable<T[P]> } = {};
  for (const key of keys) {
    if (value[key] !== undefined) out[key] = value[key] as NonNullable<T[typeof key]>;
  }
  return out;
}
