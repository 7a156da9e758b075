import { afterEach, describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { MemoryLogger } from "../../../src/adapters/logging/logger.ts";
import { RecordSealer } from "../../../src/adapters/vault/record-sealer.ts";
import { openSqliteTokenDatabase } from "../../../src/adapters/vault/sqlite-database.ts";
import { NotificationWebhooks } from "../../../src/adapters/webhooks/notification-webhooks.ts";
import { OutboxNotifications } from "../../../src/adapters/webhooks/outbox-notifications.ts";
import { retryDelayMs } from "../../../src/adapters/webhooks/retry-schedule.ts";
import { SqliteWebhookOutbox } from "../../../src/adapters/webhooks/sqlite-webhook-outbox.ts";
import { type DeliveryOutcome, WebhookDeliverer } from "../../../src/adapters/webhooks/webhook-deliverer.ts";
import type { WebhookOutbox } from "../../../src/adapters/webhooks/webhook-outbox.ts";
import { newWebhookSecret, parseWebhookSecrets } from "../../../src/adapters/webhooks/webhook-signature.ts";
import { parseCustomerId } from "../../../src/domain/customer-id.ts";
import { DomainError } from "../../../src/domain/errors.ts";
import { newKeys } from "../vault/vault-fixtures.ts";

interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
}

/** A receiver that answers 503 to the first `failFirst` attempts of each webhook. */
function receiver(failFirst: number): { url: string; received: Received[]; stop(): void } {
  const received: Received[] = [];
  const seen = new Map<string, number>();
  const server = Bun.serve({
    port: 0,
    fetch: async (request) => {
      const id = request.headers.get("webhook-id") ?? "";
      const count = (seen.get(id) ?? 0) + 1;
      seen.set(id, count);
      if (count <= failFirst) return new Response("down", { status: 503 });
      received.push({
        id,
        timestamp: request.headers.get("webhook-timestamp") ?? "",
        signature: request.headers.get("webhook-signature") ?? "",
        body: await request.text(),
      });
      return new Response(null, { status: 204 });
    },
  });
  return { url: `http://127.0.0.1:${server.port}/hooks`, received, stop: () => server.stop(true) };
}

const stops: Array<() => unknown> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

function setup(url: string, secretText: string, maxAgeMs = 60_000) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deliverer-"));
  const db = openSqliteTokenDatabase(path.join(dir, "tokens.db"));
  stops.push(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const outbox = new SqliteWebhookOutbox(db, new RecordSealer(newKeys()));
  const outcomes: Array<[string, DeliveryOutcome]> = [];
  const deliverer = new WebhookDeliverer({
    outbox,
    url,
    secrets: parseWebhookSecrets(secretText),
    timeoutMs: 2000,
    logger: new MemoryLogger(),
    pollMs: 100,
    onAttempt: (type, outcome) => outcomes.push([type, outcome]),
  });
  const webhooks = new NotificationWebhooks({ maxAgeMs });
  webhooks.onRecorded(deliverer.nudge);
  const notifications = new OutboxNotifications({ outbox, webhooks });
  stops.push(() => deliverer.stop());
  return { outbox, deliverer, notifications, outcomes };
}

describe("WebhookDeliverer", () => {
  test("retries a failing receiver within seconds, once delivered never again, same id, verifiable", async () => {
    const hooks = receiver(2);
    stops.push(hooks.stop);
    const secret = newWebhookSecret();
    const { deliverer, notifications, outbox, outcomes } = setup(hooks.url, secret);
    deliverer.start();
    await notifications.record({
      type: "connection.connected",
      customerId: parseCustomerId("acme-1"),
      occurredAt: new Date("2026-03-01T10:00:00Z"),
      email: "ana@example.com",
      scopes: ["openid"],
    });
    const started = Date.now();
    while (hooks.received.length === 0 && Date.now() - started < 8000) await Bun.sleep(50);
    await Bun.sleep(300);
    expect(hooks.received).toHaveLength(1);
    const [got] = hooks.received as [Received];
    expect(JSON.parse(got.body)).toEqual({
      type: "connection.connected",
      timestamp: "2026-03-01T10:00:00.000Z",
      customer_id: "acme-1",
      data: { email: "ana@example.com", scopes: ["openid"] },
    });
    const key = Buffer.from(secret.slice("whsec_".length), "base64");
    const expected = createHmac("sha256", key)
      .update(`${got.id}.${got.timestamp}.${got.body}`)
      .digest("base64");
    expect(got.signature).toBe(`v1,${expected}`);
    expect(Math.abs(Number(got.timestamp) - Date.now() / 1000)).toBeLessThan(10);
    expect(outcomes).toEqual([
      ["connection.connected", "retrying"],
      ["connection.connected", "retrying"],
      ["connection.connected", "delivered"],
    ]);
    const [listed] = await outbox.list(1);
    expect([listed?.id, listed?.status, listed?.attempts]).toEqual([got.id, "delivered", 3]);
  });

  test("a webhook past its maximum age is dead-lettered, and `retry` sends it again with its id", async () => {
    const hooks = receiver(1);
    stops.push(hooks.stop);
    const { deliverer, notifications, outbox, outcomes } = setup(hooks.url, newWebhookSecret(), 0);
    await notifications.record({
      type: "connection.disconnected",
      customerId: parseCustomerId("acme-2"),
      occurredAt: new Date(),
    });
    await deliverer.deliverDue();
    expect(outcomes).toEqual([["connection.disconnected", "dead"]]);
    const [dead] = await outbox.list(1);
    expect(dead?.status).toBe("dead");
    expect(await deliverer.deliverDue()).toBe(0);
    expect(await outbox.retry(dead?.id as string, new Date(), new Date(Date.now() + 60_000))).toBe(true);
    await deliverer.deliverDue();
    expect(hooks.received.map((got) => got.id)).toEqual([dead?.id as string]);
  });

  test("an outbox that cannot be read is logged by its code, never its message, and tried again", async () => {
    const failures = [
      new DomainError("storage_unavailable", "The token store is unavailable"),
      new Error("connect ECONNREFUSED postgres://calendar:hunter2@db.internal/calendar"),
    ];
    let claims = 0;
    const outbox = {
      claim: async () => {
        claims += 1;
        const failure = failures[claims - 1];
        if (failure !== undefined) throw failure;
        return [];
      },
      stats: async () => ({ pending: 0, dead: 0, oldestPendingAt: null }),
      purge: async () => 0,
    } as unknown as WebhookOutbox;
    const logger = new MemoryLogger();
    const deliverer = new WebhookDeliverer({
      outbox,
      url: "http://127.0.0.1:9/hooks",
      secrets: parseWebhookSecrets(newWebhookSecret()),
      timeoutMs: 2000,
      logger,
      pollMs: 5,
    });
    deliverer.start();
    stops.push(() => deliverer.stop());
    const started = Date.now();
    while (claims < 3 && Date.now() - started < 5000) await Bun.sleep(5);
    const failed = logger.lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.event === "webhook_outbox_unavailable")
      .map((line) => [line.level, line.error]);
    expect(failed).toEqual([
      ["error", "storage_unavailable"],
      ["error", "internal"],
    ]);
    expect(logger.lines.join("\n")).not.toContain("hunter2");
    expect(claims).toBeGreaterThanOrEqual(3);
  });

  test("the retry schedule starts within seconds and is jittered", () => {
    expect(retryDelayMs(1, () => 0)).toBe(500);
    expect(retryDelayMs(1, () => 1)).toBe(1000);
    expect(retryDelayMs(5, () => 1)).toBe(16_000);
    // Five failures cover a 15 s outage in about 31 s at worst.
    const worst = [1, 2, 3, 4, 5].reduce((sum, n) => sum + retryDelayMs(n, () => 1), 0);
    expect(worst).toBe(31_000);
    expect(retryDelayMs(40, () => 1)).toBe(600_000);
  });
});
