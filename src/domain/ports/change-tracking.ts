import type { CustomerId } from "../customer-id.ts";
import type { ObservedEvent } from "./calendar-watch.ts";

/** The push channel Google notifies us on for one customer's calendar. */
export interface WatchChannel {
  id: string;
  /** Our secret for this channel, compared with X-Goog-Channel-Token. */
  token: string;
  resourceId: string;
  expiration: Date;
}

/** What change tracking knows of one customer's watched calendar. */
export interface TrackedCalendar {
  customerId: CustomerId;
  calendarId: string;
  /** Null for backends without sync tokens (polling), or before the first full sync. */
  syncToken: string | null;
  /** The events as last seen, by id: a full resync is diffed against it. */
  seen: Record<string, ObservedEvent>;
  channel: WatchChannel | null;
  /** When the calendar was last read (polling). */
  checkedAt: Date;
}

/**
 * Tracked calendars, sealed like tokens (they hold event summaries), shared by every instance.
 * Every method may throw DomainError storage_unavailable.
 */
export interface TrackedCalendars {
  get(customerId: CustomerId): Promise<TrackedCalendar | null>;
  put(tracked: TrackedCalendar): Promise<void>;
  delete(customerId: CustomerId): Promise<boolean>;
  /** Whose channel has this id (notifications name only the channel). */
  findByChannel(channelId: string): Promise<CustomerId | null>;
  /** Customers whose channel expires before `before`, or who have none (renewal). */
  channelsExpiringBefore(before: Date): Promise<CustomerId[]>;
  /** Every tracked customer (polling). */
  customerIds(): Promise<CustomerId[]>;
}

/**
 * Writes this server's tools made, so the changes they cause are reported with origin
 * "this_server". Keyed by event id and Google's `updated` stamp ("deleted" for deletions).
 */
export interface OwnWrites {
  remember(eventId: string, stamp: string): Promise<void>;
  has(eventId: string, stamp: string): Promise<boolean>;
}
