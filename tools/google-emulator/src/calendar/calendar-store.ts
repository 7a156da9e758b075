/**
 * The Calendar emulator's data: one primary calendar per account (id = the account's email),
 * its events, and the exceptions of recurring events. Records live in
 * `EmulatorState.calendarData` keyed by calendar id, so resetting the state clears them.
 */

import type { EmulatorState } from "../emulator-state.ts";

/** An event boundary: a whole day (all-day events) or an instant with an optional IANA zone. */
export type EventTime =
  | { kind: "date"; date: string }
  | { kind: "dateTime"; instant: number; timeZone: string | null };

export type EventStatus = "confirmed" | "tentative" | "cancelled";

export interface Attendee {
  email: string;
  displayName?: string;
  optional?: boolean;
  resource?: boolean;
  responseStatus: string;
  comment?: string;
  additionalGuests?: number;
  organizer?: boolean;
  self?: boolean;
}

/** Writable, free-form fields kept as the client sent them (summary, location, reminders, …). */
export type EventFields = Record<string, unknown>;

export interface StoredEvent {
  id: string;
  /**
   * The organizer's email: the owner of the calendar the event was created on. Another account
   * invited to it holds this same object in its own calendar (event-sharing.ts).
   */
  organizer: string;
  status: EventStatus;
  /** epoch ms */
  created: number;
  /** epoch ms */
  updated: number;
  etag: string;
  sequence: number;
  start: EventTime;
  end: EventTime;
  /** Raw RRULE/EXDATE/RDATE lines; null for single events and exceptions. */
  recurrence: string[] | null;
  fields: EventFields;
  attendees: Attendee[];
  conferenceData: Record<string, unknown> | null;
  /** Exceptions only: the series id and the occurrence start they replace. */
  recurringEventId: string | null;
  originalStart: EventTime | null;
  /** Series only: modified or cancelled occurrences keyed by instance id. */
  exceptions: Map<string, StoredEvent>;
}

export class CalendarRecord {
  readonly events = new Map<string, StoredEvent>();
  etag: string;

  constructor(
    readonly id: string,
    readonly ownerEmail: string,
    public summary: string,
    public timeZone: string,
    public updated: number,
  ) {
    this.etag = nextEtag(null, updated);
  }

  touch(now: number): void {
    this.updated = Math.max(this.updated, now);
  }
}

/**
 * Google's entity tags are quoted decimals derived from the modification time in half
 * microseconds (`"3181161784712000"`); they must change on every write, even within one ms.
 */
export function nextEtag(previous: string | null, now: number): string {
  let value = BigInt(now) * 2000n;
  if (previous !== null) {
    const before = BigInt(previous.replaceAll('"', "") || "0");
    if (value <= before) value = before + 1n;
  }
  return `"${value}"`;
}

const BASE32HEX = "0123456789abcdefghijklmnopqrstuv";

/** A server-chosen event id: 26 base32hex characters, like the ids Google generates. */
export function newEventId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(26));
  return Array.from(bytes, (b) => BASE32HEX[b & 31]).join("");
}

/** A client-supplied id is valid when it is 5–1024 base32hex characters. */
export function isValidClientEventId(id: unknown): id is string {
  return typeof id === "string" && /^[a-v0-9]{5,1024}$/.test(id);
}

function recordOf(state: EmulatorState, id: string): CalendarRecord | undefined {
  const value = state.calendarData.get(id);
  return value instanceof CalendarRecord ? value : undefined;
}

/** The account's primary calendar, created on first use with the account's time zone. */
export function primaryCalendar(state: EmulatorState, email: string): CalendarRecord {
  const id = email.toLowerCase();
  const account = state.accounts.get(email) ?? state.accounts.get(id);
  const existing = recordOf(state, id);
  if (existing !== undefined) {
    // The account record is the source of truth: one registered later re-zones the calendar.
    if (account !== undefined) existing.timeZone = account.timeZone;
    return existing;
  }
  const record = new CalendarRecord(id, id, id, account?.timeZone ?? "UTC", Date.now());
  state.calendarData.set(id, record);
  return record;
}

/**
 * The calendar `calendarId` names for the caller, or null when it does not exist or belongs to
 * someone else (Google answers both with the same 404, so nothing leaks).
 */
export function resolveCalendar(
  state: EmulatorState,
  email: string,
  calendarId: string,
): CalendarRecord | null {
  const caller = email.toLowerCase();
  const wanted = calendarId.toLowerCase();
  if (wanted === "primary" || wanted === caller) return primaryCalendar(state, email);
  const record = recordOf(state, wanted);
  return record !== undefined && record.ownerEmail === caller ? record : null;
}

/** A fresh stored event with Google's defaults; callers fill times and fields. */
export function blankEvent(
  id: string,
  organizer: string,
  now: number,
  start: EventTime,
  end: EventTime,
): StoredEvent {
  return {
    id,
    organizer,
    status: "confirmed",
    created: now,
    updated: now,
    etag: nextEtag(null, now),
    sequence: 0,
    start,
    end,
    recurrence: null,
    fields: {},
    attendees: [],
    conferenceData: null,
    recurringEventId: null,
    originalStart: null,
    exceptions: new Map(),
  };
}
