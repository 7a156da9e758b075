import type { CalendarEvent, CalendarSummary, EventDraft, Interval, SendUpdates } from "../calendar.ts";

/** The user's answer to an approval Google asked for (DomainError `approval_required`). */
export interface ApprovalAnswer {
  /** `details.approval_token` of that error. */
  token: string;
  action: "accept" | "decline" | "cancel";
  /** The form's values, when accepting. */
  content?: Record<string, unknown>;
}

/**
 * For calls Google may hold for the user's approval (only a backend that has approvals reads
 * these; others ignore them).
 */
export interface ApprovalOptions {
  /** Whose call this is: approval tokens are bound to it (without it, to the access token). */
  customerId?: string;
  /** Repeat of the same call, now carrying the user's answer. */
  approval?: ApprovalAnswer;
}

export interface EventQuery extends ApprovalOptions {
  timeMin?: Date;
  timeMax?: Date;
  /** Free-text search. */
  text?: string;
  maxResults?: number;
  pageToken?: string;
  /** Zone the answer's times are expressed in. */
  timeZone?: string;
}

export interface EventPage {
  events: CalendarEvent[];
  nextPageToken: string | null;
  /** The calendar's own time zone, when Google reported it with the page (it does, at no cost). */
  calendarTimeZone?: string | null;
}

export interface FreeBusyQuery extends ApprovalOptions {
  timeMin: Date;
  timeMax: Date;
  calendarIds: string[];
  timeZone?: string;
}

/** Busy intervals per calendar id; a calendar Google could not read carries `error`. */
export type FreeBusyAnswer = Map<string, { busy: Interval[]; error?: string }>;

export interface InsertOptions extends ApprovalOptions {
  /**
   * Client-chosen id (base32hex, 5–1024 chars) so a retried insert cannot create a twin. A backend
   * that cannot set ids (Google's MCP server) marks the event with it instead, so that
   * `listEvents` with `text` = this id finds the event again; such a backend never throws
   * `duplicate_event`.
   */
  eventId?: string;
  addMeetLink?: boolean;
  sendUpdates?: SendUpdates;
}

export interface DeleteOptions extends ApprovalOptions {
  sendUpdates?: SendUpdates;
}

export interface PatchOptions extends ApprovalOptions {
  /** Refuse the write if the event changed since this etag was read. */
  etag?: string;
  sendUpdates?: SendUpdates;
}

/**
 * A customer's Google Calendar, called with their access token. Every method may throw
 * DomainError:
 * - `google_token_rejected` — Google answered 401 (the caller refreshes once and retries)
 * - `insufficient_scope` — the grant lacks a scope this call needs
 * - `not_found` — unknown or deleted calendar/event (details.deleted = true for 410)
 * - `rate_limited` — 403/429 rate limits (details.retry_after_seconds when known)
 * - `google_unavailable` — 5xx, timeout, network failure, unreadable answer
 * - `invalid_argument` — Google rejected the request as malformed (400)
 * - `approval_required` — Google asks the user to approve the call first; repeat it with
 *   `approval` (details: message, form, approval_token)
 * - `approval_declined` — the repeat carried a decline or cancel
 */
export interface CalendarGateway {
  listCalendars(accessToken: string): Promise<CalendarSummary[]>;
  /** The calendar's own time zone (IANA). */
  getTimeZone(accessToken: string, calendarId: string): Promise<string>;
  /** Recurring events come expanded into instances, ordered by start. */
  listEvents(accessToken: string, calendarId: string, query: EventQuery): Promise<EventPage>;
  getEvent(
    accessToken: string,
    calendarId: string,
    eventId: string,
    options?: ApprovalOptions,
  ): Promise<CalendarEvent>;
  freeBusy(accessToken: string, query: FreeBusyQuery): Promise<FreeBusyAnswer>;
  /** @throws also DomainError `duplicate_event` when `eventId` already exists */
  insertEvent(
    accessToken: string,
    calendarId: string,
    draft: EventDraft,
    options: InsertOptions,
  ): Promise<CalendarEvent>;
  /**
   * Change only the given fields. Attendee responses go through `attendees`.
   * @throws also DomainError `precondition_failed` when `etag` no longer matches
   */
  patchEvent(
    accessToken: string,
    calendarId: string,
    eventId: string,
    changes: EventDraft & { attendees?: { email: string; optional?: boolean; responseStatus?: string }[] },
    options: PatchOptions,
  ): Promise<CalendarEvent>;
  deleteEvent(
    accessToken: string,
    calendarId: string,
    eventId: string,
    options: DeleteOptions,
  ): Promise<void>;
}
