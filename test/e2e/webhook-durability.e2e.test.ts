import { afterEach, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generateEncryptionKey } from "../../src/adapters/vault/encryption-keys.ts";
import { NotificationWebhooks } from "../../src/adapters/webhooks/notification-webhooks.ts";
import { OutboxNotifications } from "../../src/adapters/webhooks/outbox-notifications.ts";
import { newWebhookSecret } from "../../src/adapters/webhooks/webhook-signature.ts";
import { loadConfig } from "../../src/app/config.ts";
import { openStorage } from "../../src/app/storage.ts";
import { parseCustomerId } from "../../src/domain/customer-id.ts";
import { adminClient, newSchemaName, TEST_DATABASE_URL } from "../adapters/postgres/postgres-fixtures.ts";
import { E2E_API_KEY } from "./e2e-fixtures.ts";
import { type ServerProcess, startServerProcess } from "./server-process.ts";
import { startReceiver, type TestReceiver } from "./webhook-receiver-fixture.ts";

/** Real server processes (bun run src/app/main.ts): crashes and several instances are real. */

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function baseEnv(
  receiver: TestReceiver,
  secret: string,
  extra: Record<string, string>,
): Record<string, string> {
  return {
    CALENDAR_SERVER_API_KEYS: E2E_API_KEY,
    // Never called here: the webhooks are already in the outbox.
    GOOGLE_OAUTH_CLIENT_ID: "durability.apps.googleusercontent.com",
    GOOGLE_OAUTH_CLIENT_SECRET: "durability-secret",
    TOKEN_ENCRYPTION_KEY: generateEncryptionKey(),
    CALENDAR_SERVER_WEBHOOK_URL: receiver.url,
    CALENDAR_SERVER_WEBHOOK_SECRET: secret,
    CALENDAR_SERVER_WEBHOOK_TIMEOUT_MS: "1500",
    CALENDAR_SERVER_LOG_LEVEL: "info",
    ...extra,
  };
}

/** Put webhooks in the outbox the way the server does, with this environment's store. */
async function recordWebhooks(env: Record<string, string>, count: number): Promise<void> {
  const storage = await openStorage(loadConfig(env));
  try {
    const notifications = new OutboxNotifications({
      outbox: storage.outbox,
      webhooks: new NotificationWebhooks({ maxAgeMs: 3_600_000 }),
    });
    for (let n = 0; n < count; n += 1) {
      await notifications.record({
        type: "connection.disconnected",
        customerId: parseCustomerId(`customer-${n}`),
        occurredAt: new Date(),
      });
    }
  } finally {
    await storage.close();
  }
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error("condition not met in time");
    await Bun.sleep(25);
  }
}

async function started(env: Record<string, string>): Promise<ServerProcess> {
  const server = await startServerProcess(env);
  cleanups.push(() => server.stop());
  return server;
}

describe("webhook delivery survives crashes and shares work between instances", () => {
  test("killed (-9) mid-delivery: the restarted server delivers the same webhook, once", async () => {
    const secret = newWebhookSecret();
    const receiver = startReceiver(secret);
    cleanups.push(() => receiver.stop());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "webhook-crash-"));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const env = baseEnv(receiver, secret, {
      TOKEN_STORAGE_TYPE: "sqlite",
      TOKEN_DB_PATH: path.join(dir, "tokens.db"),
    });
    await recordWebhooks(env, 1);

    receiver.mode = "hang";
    const first = await startServerProcess(env);
    await until(() => receiver.attempts.length === 1, 10_000);
    await first.crash();
    const inFlight = receiver.attempts[0];

    receiver.mode = "ok";
    await started(env);
    const [delivered] = await receiver.waitFor(() => true, 1, 20_000);
    expect(delivered?.id).toBe(inFlight as string);
    expect(delivered?.verified).toBe(true);
    await Bun.sleep(1500);
    expect(receiver.accepted).toHaveLength(1);
  }, 45_000);

  test("two instances on one PostgreSQL schema deliver each webhook once", async () => {
    const secret = newWebhookSecret();
    const receiver = startReceiver(secret);
    cleanups.push(() => receiver.stop());
    const schema = newSchemaName();
    cleanups.push(async () => {
      const admin = adminClient();
      await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.close();
    });
    const env = baseEnv(receiver, secret, {
      TOKEN_STORAGE_TYPE: "database",
      TOKEN_DATABASE_URL: TEST_DATABASE_URL,
      TOKEN_DATABASE_SCHEMA: schema,
      TOKEN_DATABASE_POOL_SIZE: "3",
    });
    const [a, b] = await Promise.all([started(env), started(env)]);
    await recordWebhooks(env, 40);
    await receiver.waitFor(() => true, 40, 20_000);
    await Bun.sleep(2500);
    const ids = receiver.accepted.map((webhook) => webhook.id);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
    expect(receiver.accepted.every((webhook) => webhook.verified)).toBe(true);
    const deliveredBy = (server: ServerProcess): number =>
      server.logs.filter((line) => line.event === "webhook_delivered").length;
    expect(deliveredBy(a) + deliveredBy(b)).toBe(40);
  }, 45_000);
});
