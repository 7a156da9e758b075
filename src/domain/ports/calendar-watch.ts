import type { EventTime } from "../calendar.ts";

/** What change tracking keeps of an event: enough to tell what changed and to report it. */
export interface ObservedEvent {
  id: string;
  status: "confirmed" | "tentative" | "cancelled";
  summary: string | null;
  /** Null on a deleted event's stub (Google guarantees only its id). */
  start: EventTime | null;
  end: EventTime | null;
  /** Google's modification stamp (RFC 3339); null on stubs. */
  updated: string | null;
}

export interface ChangeBatch {
  /** With a sync token: only what changed since (deleted events as `cancelled`); else every event. */
  events: ObservedEvent[];
  nextSyncToken: string;
}

export interface ChannelRequest {
  id: string;
  /** Sent back by Google in X-Goog-Channel-Token on every notification: we verify it. */
  token: string;
  address: string;
  ttlSeconds: number;
}

export interface OpenedChannel {
  resourceId: string;
  expiration: Date;
}

/**
 * Push notifications and incremental sync of one calendar (Google's REST API has them; not
 * every backend does). Methods throw the CalendarGateway's DomainErrors.
 */
export interface CalendarWatch {
  /**
   * Every event (`syncToken` null), or what changed since `syncToken`.
   * @returns "full_sync_required" when Google no longer honours the token (410)
   */
  changes(
    accessToken: string,
    calendarId: string,
    syncToken: string | null,
  ): Promise<ChangeBatch | "full_sync_required">;
  watch(accessToken: string, calendarId: string, channel: ChannelRequest): Promise<OpenedChannel>;
  /** Stopping a channel Google no longer knows is not an error. */
  stop(accessToken: string, channel: { id: string; resourceId: string }): Promise<void>;
}
