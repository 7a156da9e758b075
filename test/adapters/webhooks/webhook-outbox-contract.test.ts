import { afterAll, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RecordSealer } from "../../../src/adapters/vault/record-sealer.ts";
import { openSqliteTokenDatabase } from "../../../src/adapters/vault/sqlite-database.ts";
import { FileWebhookOutbox } from "../../../src/adapters/webhooks/file-webhook-outbox.ts";
import { PostgresWebhookOutbox } from "../../../src/adapters/webhooks/postgres-webhook-outbox.ts";
import { SqliteWebhookOutbox } from "../../../src/adapters/webhooks/sqlite-webhook-outbox.ts";
import type { NewWebhook, WebhookOutbox } from "../../../src/adapters/webhooks/webhook-outbox.ts";
import { SchemaScope } from "../postgres/postgres-fixtures.ts";
import { reopenedFromSchema5 } from "../vault/schema-5.ts";
import { newKeys } from "../vault/vault-fixtures.ts";

/** Opens outboxes on one store; each call is another process/instance sharing it. */
type OpenOutbox = (sealer: RecordSealer) => Promise<WebhookOutbox>;

const T0 = new Date("2026-03-01T10:00:00.000Z");
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

function webhook(n: number, overrides: Partial<NewWebhook> = {}): NewWebhook {
  return {
    id: `msg_test${n}`,
    type: "calendar.events_changed",
    customerId: `customer-${n}`,
    createdAt: at(n),
    expiresAt: at(n + 3600),
    body: JSON.stringify({ type: "calendar.events_changed", data: { summary: `Secret meeting ${n}` } }),
    ...overrides,
  };
}

function describeOutboxContract(
  name: string,
  setup: () => Promise<{ open: OpenOutbox; raw(): Promise<string> }>,
): void {
  describe(`${name} (webhook outbox contract)`, () => {
    test("a webhook is claimed once, sealed at rest, and stays the same across retries", async () => {
      const { open, raw } = await setup();
      const sealer = new RecordSealer(newKeys());
      const [one, two] = [await open(sealer), await open(sealer)];
      await one.add(webhook(1));
      expect(await raw()).not.toContain("Secret meeting");
      const claims = await Promise.all([
        one.claim(at(5), 10, "a", at(35)),
        two.claim(at(5), 10, "b", at(35)),
      ]);
      expect(claims.flat().map((claimed) => claimed.id)).toEqual(["msg_test1"]);
      expect(claims.flat()[0]?.body).toContain("Secret meeting 1");
      const owner = claims[0]?.length === 1 ? "a" : "b";
      await one.failed("msg_test1", owner, { error: "HTTP 503", nextAttemptAt: at(10), dead: false });
      expect(await two.claim(at(9), 10, "b", at(39))).toEqual([]);
      const again = await two.claim(at(10), 10, "b", at(40));
      expect(again.map((claimed) => [claimed.id, claimed.attempts, claimed.lastError])).toEqual([
        ["msg_test1", 1, "HTTP 503"],
      ]);
      await two.delivered("msg_test1", "b", at(11));
      expect(await one.claim(at(100), 10, "a", at(130))).toEqual([]);
      const [listed] = await one.list(10);
      expect(listed?.status).toBe("delivered");
      expect(listed?.attempts).toBe(2);
    });

    test("a lease whose holder died expires and the webhook is claimed again", async () => {
      const { open } = await setup();
      const outbox = await open(new RecordSealer(newKeys()));
      await outbox.add(webhook(1));
      expect(await outbox.claim(at(1), 10, "dead-process", at(31))).toHaveLength(1);
      expect(await outbox.claim(at(30), 10, "survivor", at(60))).toEqual([]);
      expect((await outbox.claim(at(31), 10, "survivor", at(61))).map((claimed) => claimed.id)).toEqual([
        "msg_test1",
      ]);
      // The dead holder's late report does not overwrite the survivor's lease.
      await outbox.failed("msg_test1", "dead-process", { error: "late", nextAttemptAt: at(32), dead: false });
      expect((await outbox.list(1))[0]?.attempts).toBe(0);
    });

    test("dead letters, retry with the same id, stats and purge", async () => {
      const { open } = await setup();
      const outbox = await open(new RecordSealer(newKeys()));
      await outbox.add(webhook(1));
      await outbox.add(webhook(2));
      expect(await outbox.stats()).toEqual({ pending: 2, dead: 0, oldestPendingAt: at(1) });
      await outbox.claim(at(3), 1, "a", at(33));
      await outbox.failed("msg_test1", "a", { error: "HTTP 500", nextAttemptAt: at(3), dead: true });
      expect(await outbox.stats()).toEqual({ pending: 1, dead: 1, oldestPendingAt: at(2) });
      expect(await outbox.claim(at(4), 10, "a", at(34)).then((all) => all.map((c) => c.id))).toEqual([
        "msg_test2",
      ]);
      await outbox.delivered("msg_test2", "a", at(5));
      expect(await outbox.retry("msg_test2", at(6), at(99))).toBe(false);
      expect(await outbox.retry("msg_nope", at(6), at(99))).toBe(false);
      expect(await outbox.retry("msg_test1", at(6), at(99))).toBe(true);
      const [retried] = await outbox.claim(at(6), 10, "a", at(36));
      expect([retried?.id, retried?.status, retried?.expiresAt]).toEqual(["msg_test1", "pending", at(99)]);
      await outbox.delivered("msg_test1", "a", at(7));
      expect(await outbox.purge(at(2))).toBe(1);
      expect((await outbox.list(10)).map((summary) => summary.id)).toEqual(["msg_test2"]);
    });

    test("a body no held key opens goes straight to dead instead of blocking the queue", async () => {
      const { open } = await setup();
      await (await open(new RecordSealer(newKeys()))).add(webhook(1));
      const other = await open(new RecordSealer(newKeys()));
      expect(await other.claim(at(2), 10, "a", at(32))).toEqual([]);
      expect((await other.list(1))[0]?.status).toBe("dead");
    });
  });
}

const temp: string[] = [];
const scopes: SchemaScope[] = [];
afterAll(async () => {
  for (const dir of temp) fs.rmSync(dir, { recursive: true, force: true });
  await Promise.all(scopes.map((scope) => scope.cleanup()));
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "outbox-"));
  temp.push(dir);
  return dir;
}

describeOutboxContract("SqliteWebhookOutbox", async () => {
  const file = path.join(tempDir(), "tokens.db");
  return {
    open: async (sealer) => new SqliteWebhookOutbox(openSqliteTokenDatabase(file), sealer),
    raw: async () =>
      Buffer.from(fs.readFileSync(file)).toString("latin1") + fs.readFileSync(`${file}-wal`, "latin1"),
  };
});

describeOutboxContract("FileWebhookOutbox", async () => {
  const dir = tempDir();
  return {
    open: async (sealer) => new FileWebhookOutbox({ dir, sealer }),
    raw: async () =>
      fs
        .readdirSync(path.join(dir, "webhooks"), { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => fs.readFileSync(path.join(entry.parentPath, entry.name), "utf8"))
        .join("\n"),
  };
});

describeOutboxContract("PostgresWebhookOutbox", async () => {
  const scope = new SchemaScope();
  scopes.push(scope);
  return {
    open: async (sealer) => new PostgresWebhookOutbox(await scope.open(), sealer),
    raw: async () =>
      JSON.stringify(await scope.admin.unsafe(`SELECT * FROM ${scope.table("webhook_outbox")}`)),
  };
});

describe("SqliteWebhookOutbox across migration 6 (WITHOUT ROWID to a rowid table)", () => {
  test("a pending webhook with an 8 KB body is kept, claimed once, and ids stay unique", async () => {
    const file = path.join(tempDir(), "tokens.db");
    const sealer = new RecordSealer(newKeys());
    const old = openSqliteTokenDatabase(file);
    const big = webhook(1, {
      body: JSON.stringify({ type: "calendar.events_changed", data: { description: "d".repeat(8192) } }),
    });
    new SqliteWebhookOutbox(old, sealer).insert(big);
    // Back to schema 5: the table as it was, holding that row.
    const db = reopenedFromSchema5(
      file,
      old,
      "webhook_outbox",
      `CREATE TABLE old_outbox (
         id TEXT PRIMARY KEY NOT NULL, type TEXT NOT NULL, customer_id TEXT NOT NULL, status TEXT NOT NULL,
         attempts INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL,
         expires_at INTEGER NOT NULL, lease_owner TEXT, lease_until INTEGER, last_error TEXT,
         delivered_at INTEGER, record BLOB NOT NULL
       ) WITHOUT ROWID;
       INSERT INTO old_outbox SELECT id, type, customer_id, status, attempts, created_at, next_attempt_at,
         expires_at, lease_owner, lease_until, last_error, delivered_at, record FROM webhook_outbox;
       DROP TABLE webhook_outbox;
       ALTER TABLE old_outbox RENAME TO webhook_outbox;
       CREATE INDEX webhook_outbox_due ON webhook_outbox (status, next_attempt_at);`,
    );
    try {
      const outbox = new SqliteWebhookOutbox(db, sealer);
      const claimed = await outbox.claim(at(10), 10, "worker-a", at(70));
      expect(claimed.map((each) => [each.id, each.body])).toEqual([[big.id, big.body]]);
      expect(await outbox.claim(at(11), 10, "worker-b", at(71))).toEqual([]);
      expect(() => outbox.insert(big)).toThrow(/UNIQUE/);
    } finally {
      db.close();
    }
  });
});
