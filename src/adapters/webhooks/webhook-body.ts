import type { EventTime } from "../../domain/calendar.ts";
import type { EventChange, Notification } from "../../domain/notification.ts";

/** What the receiver gets: `{"type", "timestamp", "customer_id", "data"}`, snake_case throughout. */
export interface WebhookBody {
  type: Notification["type"];
  timestamp: string;
  customer_id: string;
  data: Record<string, unknown>;
}

export function webhookBody(notification: Notification): WebhookBody {
  return {
    type: notification.type,
    timestamp: notification.occurredAt.toISOString(),
    customer_id: notification.customerId,
    data: dataOf(notification),
  };
}

function dataOf(notification: Notification): Record<string, unknown> {
  switch (notification.type) {
    case "connection.connected":
      return { email: notification.email, scopes: notification.scopes };
    case "connection.disconnected":
      return {};
    case "connection.reauthorization_required":
      return {
        reason: notification.reason,
        authorization_url: notification.authorizationUrl,
        authorization_expires_at: notification.authorizationExpiresAt?.toISOString() ?? null,
      };
    case "calendar.events_changed":
      return { calendar_id: notification.calendarId, changes: notification.changes.map(changeOf) };
  }
}

function changeOf(change: EventChange): Record<string, unknown> {
  return {
    change: change.change,
    event_id: change.eventId,
    summary: change.summary,
    start: timeOf(change.start),
    end: timeOf(change.end),
    status: change.status,
    updated: change.updated,
    ...(change.origin === undefined ? {} : { origin: change.origin }),
  };
}

/** As the tools show times: `{date_time, time_zone?}` or `{date}`. */
function timeOf(time: EventTime | null): Record<string, string> | null {
  if (time === null) return null;
  if ("date" in time) return { date: time.date };
  return time.timeZone === undefined
    ? { date_time: time.dateTime }
    : { date_time: time.dateTime, time_zone: time.timeZone };
}
