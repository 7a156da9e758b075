import { expect } from "bun:test";
import { MemoryLogger } from "../../../src/adapters/logging/logger.ts";
import { InProcessCustomerLock } from "../../../src/adapters/system/in-process-customer-lock.ts";
import { WebhookDeliverer } from "../../../src/adapters/webhooks/webhook-deliverer.ts";
import { newWebhookSecret, parseWebhookSecrets } from "../../../src/adapters/webhooks/webhook-signature.ts";
import type { Storage } from "../../../src/app/storage.ts";
import { TrackCalendarChanges } from "../../../src/domain/changes/track-calendar-changes.ts";
import type { CustomerId } from "../../../src/domain/customer-id.ts";
import type { ChangeBatch } from "../../../src/domain/ports/calendar-watch.ts";
import type { TrackedCalendar } from "../../../src/domain/ports/change-tracking.ts";
import type { IdempotencyClaim } from "../../../src/domain/ports/idempotency-records.ts";
import { FixedClock } from "../../fakes/fixed-clock.ts";
import { RecordingNotifications } from "../../fakes/recording-notifications.ts";
import { id } from "./cli-fixtures.ts";

/** A followed calendar whose sync token and channel secret a test can look for. */
export function trackedCalendar(customer: string): TrackedCalendar {
  return {
    customerId: id(customer),
    calendarId: "primary",
    syncToken: `sync-token-${customer}-${crypto.randomUUID()}`,
    seen: {},
    channel: {
      id: `ch-${customer}`,
      token: `channel-secret-${crypto.randomUUID()}`,
      resourceId: `res-${customer}`,
      expiration: new Date(Date.now() + 7 * 86_400_000),
    },
    checkedAt: new Date("2026-03-01T10:00:00.000Z"),
  };
}

export function idempotencyClaim(customer: string, key: string): IdempotencyClaim {
  return {
    customerId: id(customer),
    key,
    fingerprint: { summary: "digest-of-summary" },
    calendarId: "primary",
    request: {
      start: new Date("2026-03-10T15:00:00.000Z"),
      end: new Date("2026-03-10T16:00:00.000Z"),
      summaryHash: "digest",
    },
  };
}

/** A pending webhook whose body a test can recognise after delivery. */
export async function addWebhook(storage: Storage, webhookId: string, customer: string): Promise<string> {
  const body = JSON.stringify({
    type: "connection.connected",
    data: { customer_id: customer, n: webhookId },
  });
  await storage.outbox.add({
    id: webhookId,
    type: "connection.connected",
    customerId: customer,
    createdAt: new Date(Date.now() - 1000),
    expiresAt: new Date(Date.now() + 86_400_000),
    body,
  });
  return body;
}

/** The real deliverer over the store's outbox, sending to a fake receiver that takes everything. */
export async function deliverAll(storage: Storage): Promise<Array<{ id: string; body: string }>> {
  const sent: Array<{ id: string; body: string }> = [];
  const deliverer = new WebhookDeliverer({
    outbox: storage.outbox,
    url: "https://backend.example/hooks",
    secrets: parseWebhookSecrets(newWebhookSecret()),
    timeoutMs: 2000,
    logger: new MemoryLogger(),
    fetch: (async (_url: string, init: RequestInit) => {
      const headers = new Headers(init.headers);
      sent.push({ id: headers.get("webhook-id") ?? "", body: String(init.body) });
      return new Response(null, { status: 204 });
    }) as typeof fetch,
  });
  await deliverer.deliverDue();
  return sent;
}

/**
 * The real change tracker over the store: verifies a notification with the stored channel secret,
 * then syncs from the stored sync token (the watch records which token it was handed).
 */
export async function trackerReads(storage: Storage, stored: TrackedCalendar): Promise<void> {
  const asked: Array<string | null> = [];
  const tracker = new TrackCalendarChanges({
    tokens: {
      execute: async () => ({ accessToken: "ya29.test", scopes: [], email: null }),
      afterRejection: async () => ({ accessToken: "ya29.test", scopes: [], email: null }),
    },
    watch: {
      changes: async (_token, _calendar, syncToken): Promise<ChangeBatch> => {
        asked.push(syncToken);
        return { events: [], nextSyncToken: `${syncToken}-next` };
      },
      watch: async () => {
        throw new Error("not expected");
      },
      stop: async () => undefined,
    },
    tracked: storage.tracked,
    ownWrites: storage.ownWrites,
    notifications: new RecordingNotifications(),
    lock: new InProcessCustomerLock(),
    clock: new FixedClock(new Date()),
    address: "https://calendar.example/google/notifications",
  });
  const channel = stored.channel;
  if (channel === null) throw new Error("the test calendar has a channel");
  expect(
    await tracker.verify({
      channelId: channel.id,
      token: channel.token,
      resourceId: channel.resourceId,
      resourceState: "exists",
    }),
  ).toEqual({ outcome: "changed", customerId: stored.customerId as CustomerId });
  await tracker.sync(stored.customerId);
  expect(asked).toEqual([stored.syncToken]);
}
