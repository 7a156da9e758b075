import { afterEach, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import { join } from "node:path";
import { MemoryLogger } from "../../src/adapters/logging/logger.ts";
import { RecordSealer } from "../../src/adapters/vault/record-sealer.ts";
import { openSqliteTokenDatabase } from "../../src/adapters/vault/sqlite-database.ts";
import { NotificationWebhooks } from "../../src/adapters/webhooks/notification-webhooks.ts";
import { OutboxNotifications } from "../../src/adapters/webhooks/outbox-notifications.ts";
import { SqliteWebhookOutbox } from "../../src/adapters/webhooks/sqlite-webhook-outbox.ts";
import { WebhookDeliverer } from "../../src/adapters/webhooks/webhook-deliverer.ts";
import {
  newWebhookSecret,
  parseWebhookSecrets,
  signWebhook,
} from "../../src/adapters/webhooks/webhook-signature.ts";
import { parseCustomerId } from "../../src/domain/customer-id.ts";
import { newKeys } from "../adapters/vault/vault-fixtures.ts";

/** examples/webhook_receiver.py receiving what the server's deliverer sends, and refusing forgeries. */

const python = Bun.which("python3");
const SCRIPT = join(import.meta.dir, "..", "..", "examples", "webhook_receiver.py");
const cleanups: Array<() => unknown> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface RunningReceiver {
  url: string;
  /** Lines printed after the first (one per accepted webhook), once there are `count` (or 5 s passed). */
  lines(count: number): Promise<string[]>;
}

async function startReceiver(secretText: string): Promise<RunningReceiver> {
  const child = Bun.spawn([python ?? "python3", SCRIPT, "--port", "0"], {
    env: { ...process.env, WEBHOOK_SECRET: secretText },
    stdout: "pipe",
    stderr: "ignore",
  });
  cleanups.push(() => child.kill());
  let text = "";
  const decoder = new TextDecoder();
  const reader = child.stdout.getReader();
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += decoder.decode(value);
    }
  })();
  const started = Date.now();
  while (!text.includes("\n") && Date.now() - started < 10_000) await Bun.sleep(20);
  const url = /listening on (\S+)/.exec(text)?.[1];
  if (url === undefined) throw new Error(`receiver did not start: ${text}`);
  const printed = (): string[] =>
    text
      .split("\n")
      .slice(1)
      .filter((line) => line !== "");
  return {
    url,
    lines: async (count) => {
      const since = Date.now();
      while (printed().length < count && Date.now() - since < 5000) await Bun.sleep(20);
      return printed();
    },
  };
}

function post(url: string, headers: Record<string, string>, body: string): Promise<number> {
  return fetch(url, { method: "POST", headers, body }).then((response) => response.status);
}

describe("examples/webhook_receiver.py", () => {
  test.if(python !== null)(
    "accepts the deliverer's signed webhooks once each, in a key rotation too",
    async () => {
      const [oldSecret, newSecret] = [newWebhookSecret(), newWebhookSecret()];
      // The receiver still holds only the old secret; the server signs with both.
      const receiver = await startReceiver(oldSecret);
      const dir = fs.mkdtempSync(join(os.tmpdir(), "receiver-"));
      const db = openSqliteTokenDatabase(join(dir, "tokens.db"));
      cleanups.push(
        () => fs.rmSync(dir, { recursive: true, force: true }),
        () => db.close(),
      );
      const outbox = new SqliteWebhookOutbox(db, new RecordSealer(newKeys()));
      const deliverer = new WebhookDeliverer({
        outbox,
        url: receiver.url,
        secrets: parseWebhookSecrets(`${newSecret},${oldSecret}`),
        timeoutMs: 5000,
        logger: new MemoryLogger(),
      });
      const notifications = new OutboxNotifications({
        outbox,
        webhooks: new NotificationWebhooks({ maxAgeMs: 60_000 }),
      });
      await notifications.record({
        type: "connection.reauthorization_required",
        customerId: parseCustomerId("acme-7"),
        occurredAt: new Date("2026-03-01T10:00:00Z"),
        reason: "Token has been expired or revoked.",
        authorizationUrl: "https://accounts.google.com/o/oauth2/v2/auth?state=abc",
        authorizationExpiresAt: new Date("2026-03-01T10:10:00Z"),
      });
      expect(await deliverer.deliverDue()).toBe(1);
      const [summary] = await outbox.list(1);
      expect(summary?.status).toBe("delivered");
      // The same webhook again (a retry after a lost answer) is acknowledged but not handled twice.
      expect(await outbox.retry(summary?.id as string, new Date(), new Date(Date.now() + 60_000))).toBe(
        false,
      );
      const body = JSON.stringify({
        type: "connection.disconnected",
        timestamp: "t",
        customer_id: "a",
        data: {},
      });
      const now = Math.floor(Date.now() / 1000);
      const signed = (id: string, at: number, secrets: string, text = body): Record<string, string> => ({
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(at),
        "webhook-signature": signWebhook(parseWebhookSecrets(secrets), id, at, text),
      });
      expect(await post(receiver.url, signed("msg_dup", now, oldSecret), body)).toBe(204);
      expect(await post(receiver.url, signed("msg_dup", now, oldSecret), body)).toBe(204);
      const lines = (await receiver.lines(2)).map((line) => JSON.parse(line));
      expect(lines).toEqual([
        {
          webhook_id: summary?.id,
          type: "connection.reauthorization_required",
          timestamp: "2026-03-01T10:00:00.000Z",
          customer_id: "acme-7",
          data: {
            reason: "Token has been expired or revoked.",
            authorization_url: "https://accounts.google.com/o/oauth2/v2/auth?state=abc",
            authorization_expires_at: "2026-03-01T10:10:00.000Z",
          },
        },
        {
          webhook_id: "msg_dup",
          type: "connection.disconnected",
          timestamp: "t",
          customer_id: "a",
          data: {},
        },
      ]);
    },
  );

  test.if(python !== null)(
    "refuses a wrong secret, a tampered body, a stale or future timestamp, missing headers",
    async () => {
      const secret = newWebhookSecret();
      const receiver = await startReceiver(secret);
      const body = '{"type":"connection.connected","data":{}}';
      const now = Math.floor(Date.now() / 1000);
      const headers = (at: number, key: string, id = "msg_x"): Record<string, string> => ({
        "webhook-id": id,
        "webhook-timestamp": String(at),
        "webhook-signature": signWebhook(parseWebhookSecrets(key), id, at, body),
      });
      expect(await post(receiver.url, headers(now, newWebhookSecret()), body)).toBe(401);
      expect(await post(receiver.url, headers(now, secret), body.replace("connected", "disconnected"))).toBe(
        401,
      );
      expect(await post(receiver.url, headers(now - 301, secret), body)).toBe(401);
      expect(await post(receiver.url, headers(now + 301, secret), body)).toBe(401);
      expect(await post(receiver.url, {}, body)).toBe(401);
      // Inside the window it is accepted: the refusals above were for their reasons.
      expect(await post(receiver.url, headers(now - 250, secret), body)).toBe(204);
      expect(await receiver.lines(1)).toHaveLength(1);
    },
  );
});
