/** Calendar data as the domain sees it: shaped for booking, not for Google's API. */

/** A moment of an event: a timed instant or an all-day date. */
export type EventTime =
  /** `dateTime` is RFC 3339 with an offset; `timeZone` is the IANA zone it is shown in. */
  | { dateTime: string; timeZone?: string }
  /** All-day: `date` is YYYY-MM-DD; an all-day event's end date is exclusive. */
  | { date: string };

export type ResponseStatus = "needsAction" | "declined" | "tentative" | "accepted";

export interface Attendee {
  email: string;
  displayName?: string;
  responseStatus: ResponseStatus;
  optional?: boolean;
  /** This attendee is the calendar's owner. */
  self?: boolean;
  organizer?: boolean;
}

export interface CalendarEvent {
  id: string;
  calendarId: string;
  status: "confirmed" | "tentative" | "cancelled";
  summary: string | null;
  description: string | null;
  location: string | null;
  start: EventTime;
  end: EventTime;
  htmlLink: string | null;
  meetLink: string | null;
  attendees: Attendee[];
  organizerEmail: string | null;
  /** Set on an instance of a recurring event. */
  recurringEventId: string | null;
  recurrence: string[];
  /** "transparent" events do not block time. */
  transparency: "opaque" | "transparent";
  /** Version tag for optimistic concurrency. */
  etag: string;
  created: string | null;
  updated: string | null;
}

export interface CalendarSummary {
  id: string;
  summary: string;
  timeZone: string;
  primary: boolean;
  accessRole: "owner" | "writer" | "reader" | "freeBusyReader";
}

export interface Interval {
  start: Date;
  end: Date;
}

export type SendUpdates = "all" | "externalOnly" | "none";

/** What a booking writes. Times already validated (end after start). */
export interface EventDraft {
  summary?: string;
  description?: string;
  location?: string;
  start?: EventTime;
  end?: EventTime;
  attendees?: { email: string; optional?: boolean }[];
  recurrence?: string[];
}
