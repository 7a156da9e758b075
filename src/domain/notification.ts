import type { EventTime } from "./calendar.ts";
import type { CustomerId } from "./customer-id.ts";

/** One event of a calendar as a change report carries it: the fields the tools show. */
export interface EventChange {
  change: "created" | "updated" | "cancelled";
  eventId: string;
  summary: string | null;
  /** Null when Google no longer says (a deleted event we never saw). */
  start: EventTime | null;
  end: EventTime | null;
  status: string;
  /** Google's last-modification stamp (RFC 3339). */
  updated: string | null;
  /** Present when a tool of this server made the change. */
  origin?: "this_server";
}

/** Something the AI backend wants to hear about, recorded durably before anyone is told. */
export type Notification = {
  customerId: CustomerId;
  occurredAt: Date;
} & (
  | { type: "connection.connected"; email: string | null; scopes: string[] }
  | { type: "connection.disconnected" }
  | {
      type: "connection.reauthorization_required";
      reason: string;
      /** Where the user connects again; null when a fresh authorization could not be started. */
      authorizationUrl: string | null;
      authorizationExpiresAt: Date | null;
    }
  | { type: "calendar.events_changed"; calendarId: string; changes: EventChange[] }
);

export type NotificationType = Notification["type"];
