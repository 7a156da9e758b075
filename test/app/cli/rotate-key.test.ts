import { afterEach, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { keyIdHex, keyIdOf, parseEncryptionKey } from "../../../src/adapters/vault/encryption-keys.ts";
import { inspectSealedRecord } from "../../../src/adapters/vault/record-sealer.ts";
import { isDomainError } from "../../../src/domain/errors.ts";
import { adminClient, newSchemaName, TEST_DATABASE_URL } from "../../adapters/postgres/postgres-fixtures.ts";
import {
  connection,
  expectNoSecrets,
  id,
  newKey,
  runCli,
  secretsOf,
  startCli,
  storeEnv,
  useTempDir,
  withStorage,
} from "./cli-fixtures.ts";
import {
  addWebhook,
  deliverAll,
  idempotencyClaim,
  trackedCalendar,
  trackerReads,
} from "./sealed-record-fixtures.ts";

const tempDir = useTempDir();

type StoreType = "sqlite" | "encrypted_file" | "database";
type Row = { resealed: number; current: number; missing: number; unreadable: number };

/** The summary table's rows, by kind. */
function counts(stdout: string): Record<string, Row> {
  const found: Record<string, Row> = {};
  const row =
    /^(connections|idempotency keys|webhooks|tracked calendars)\s{2,}(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$/gm;
  for (const match of stdout.matchAll(row)) {
    const [resealed, current, missing, unreadable] = match.slice(2).map(Number) as [
      number,
      number,
      number,
      number,
    ];
    found[match[1] ?? ""] = { resealed, current, missing, unreadable };
  }
  return found;
}

const rows = (entries: Record<string, [number, number, number, number]>): Record<string, Row> =>
  Object.fromEntries(
    Object.entries(entries).map(([kind, [resealed, current, missing, unreadable]]) => [
      kind,
      { resealed, current, missing, unreadable },
    ]),
  );

const schemas: string[] = [];
afterEach(async () => {
  if (schemas.length === 0) return;
  const admin = adminClient();
  for (const schema of schemas.splice(0)) await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.close();
});

/** One store per test: a temporary folder, and for PostgreSQL a schema of its own. */
function store(type: StoreType): (key: string, extra?: Record<string, string>) => Record<string, string> {
  const dir = tempDir();
  const database: Record<string, string> = {};
  if (type === "database") {
    const schema = newSchemaName();
    schemas.push(schema);
    Object.assign(database, { TOKEN_DATABASE_URL: TEST_DATABASE_URL, TOKEN_DATABASE_SCHEMA: schema });
  }
  return (key, extra = {}) => storeEnv(dir, key, { TOKEN_STORAGE_TYPE: type, ...database, ...extra });
}

describe.each(["sqlite", "encrypted_file", "database"] as const)("cli rotate-key (%s)", (type) => {
  test("moves every sealed record from the old key to the new one; then the new key alone opens them", async () => {
    const envOf = store(type);
    const oldKey = newKey();
    const newestKey = newKey();
    const seeded = [connection("alice"), connection("bob"), connection("carol")];
    const calendars = [trackedCalendar("alice"), trackedCalendar("bob")];
    const claim = idempotencyClaim("alice", "booking-1");
    const bodies = await withStorage(envOf(oldKey), type, async (storage) => {
      for (const c of seeded) await storage.vault.put(c);
      for (const calendar of calendars) await storage.tracked.put(calendar);
      const claimed = await storage.idempotency.claim(claim, new Date());
      if (!claimed.claimed) throw new Error("fresh key");
      await storage.idempotency.complete(claimed.record, "event-1", new Date());
      const pending = await addWebhook(storage, "msg_pending", "alice");
      const dead = await addWebhook(storage, "msg_dead", "bob");
      // A dead webhook can be retried by an operator: its body must still open.
      await storage.outbox.failed("msg_dead", "test", {
        error: "gone",
        nextAttemptAt: new Date(),
        dead: true,
      });
      return { msg_pending: pending, msg_dead: dead };
    });
    const rotating = envOf(newestKey, { TOKEN_ENCRYPTION_PREVIOUS_KEYS: oldKey });
    // Records already under the new key (the server rewrote them after a refresh, say).
    const fresh = connection("dave");
    const freshCalendar = trackedCalendar("dave");
    await withStorage(rotating, type, async (storage) => {
      await storage.vault.put(fresh);
      await storage.tracked.put(freshCalendar);
    });

    const run = await runCli(["rotate-key"], rotating);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(counts(run.stdout)).toEqual(
      rows({
        connections: [3, 1, 0, 0],
        "idempotency keys": [1, 0, 0, 0],
        webhooks: [2, 0, 0, 0],
        "tracked calendars": [2, 1, 0, 0],
      }),
    );
    expect(run.stdout).toContain("10 record(s) checked");
    expect(run.stdout).toContain(keyIdHex(keyIdOf(parseEncryptionKey(newestKey))));
    const trackedSecrets = [...calendars, freshCalendar].flatMap((c) => [
      c.syncToken ?? "",
      c.channel?.token ?? "",
    ]);
    expectNoSecrets(run, [...secretsOf([...seeded, fresh], [oldKey, newestKey]), ...trackedSecrets]);

    // The old key is gone: everything opens with the new one alone, and works.
    const onlyNew = envOf(newestKey);
    await withStorage(onlyNew, type, async (storage) => {
      for (const c of [...seeded, fresh]) expect(await storage.vault.get(c.customerId)).toEqual(c);
      for (const calendar of [...calendars, freshCalendar]) {
        expect(await storage.tracked.get(calendar.customerId)).toEqual(calendar);
      }
      const replay = await storage.idempotency.claim(claim, new Date());
      expect(replay).toMatchObject({ claimed: false, existing: { state: "completed", eventId: "event-1" } });
      await trackerReads(storage, calendars[0] as (typeof calendars)[0]);
      expect(await storage.outbox.retry("msg_dead", new Date(), new Date(Date.now() + 60_000))).toBe(true);
      const sent = await deliverAll(storage);
      expect(Object.fromEntries(sent.map((webhook) => [webhook.id, webhook.body]))).toEqual(bodies);
      expect((await storage.outbox.list(10)).map((webhook) => webhook.status)).toEqual([
        "delivered",
        "delivered",
      ]);
    });
    await withStorage(envOf(oldKey), type, async (storage) => {
      for (const read of [() => storage.vault.get(id("alice")), () => storage.tracked.get(id("alice"))]) {
        const error = await read().catch((caught: unknown) => caught);
        expect(isDomainError(error, "record_unreadable")).toBe(true);
      }
    });

    const again = await runCli(["rotate-key"], rotating);
    expect(again.code).toBe(0);
    expect(counts(again.stdout)).toEqual(
      rows({
        connections: [0, 4, 0, 0],
        "idempotency keys": [0, 1, 0, 0],
        webhooks: [0, 2, 0, 0],
        "tracked calendars": [0, 3, 0, 0],
      }),
    );
  });

  test("records no configured key opens are counted and named by kind; exit 1; the rest still move", async () => {
    const envOf = store(type);
    const oldKey = newKey();
    const lostKey = newKey();
    const newestKey = newKey();
    await withStorage(envOf(oldKey), type, async (storage) => {
      await storage.vault.put(connection("alice"));
      await storage.tracked.put(trackedCalendar("alice"));
      await addWebhook(storage, "msg_kept", "alice");
    });
    await withStorage(envOf(lostKey), type, async (storage) => {
      await storage.vault.put(connection("orphan"));
      await addWebhook(storage, "msg_lost", "orphan");
    });

    const run = await runCli(["rotate-key"], envOf(newestKey, { TOKEN_ENCRYPTION_PREVIOUS_KEYS: oldKey }));
    expect(run.code).toBe(1);
    expect(counts(run.stdout)).toEqual(
      rows({
        connections: [1, 0, 0, 1],
        "idempotency keys": [0, 0, 0, 0],
        webhooks: [1, 0, 0, 1],
        "tracked calendars": [1, 0, 0, 0],
      }),
    );
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("error: 2 record(s) could not be opened");
    expect(run.stderr).toContain("(connections orphan, webhooks msg_lost)");
  });
});

/**
 * Where a store keeps followed calendars, read behind its back: which key seals each, and how to
 * hold one record's lock as a serving server would (so the walk stops there).
 */
interface TrackedBehindTheBack {
  keyIds(): Promise<string[]>;
  hold(customer: string): Promise<() => Promise<void>>;
}

function trackedFiles(env: Record<string, string>): TrackedBehindTheBack {
  const dir = path.join(env.TOKEN_VAULT_DIR ?? "", "tracked");
  const name = (customer: string) =>
    createHash("sha256").update(`customer\0${customer}`, "utf8").digest("hex");
  return {
    keyIds: async () =>
      fs
        .readdirSync(dir)
        .filter((file) => file.endsWith(".tracked") && !file.startsWith("."))
        .map((file) => {
          const { record } = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as { record: string };
          return inspectSealedRecord(Buffer.from(record, "base64")).keyId;
        }),
    hold: async (customer) => {
      // A lock naming a live process (this one): the walk waits for it.
      const lock = path.join(dir, `${name(customer)}.tracked.lock`);
      fs.writeFileSync(lock, `${process.pid}\n`);
      return async () => fs.rmSync(lock, { force: true });
    },
  };
}

function trackedRows(env: Record<string, string>): TrackedBehindTheBack {
  const table = `"${env.TOKEN_DATABASE_SCHEMA}".tracked_calendars`;
  return {
    keyIds: async () => {
      const reader = adminClient();
      try {
        const rows = (await reader.unsafe(`SELECT record FROM ${table}`)) as Array<{ record: Uint8Array }>;
        return rows.map((row) => inspectSealedRecord(new Uint8Array(row.record)).keyId);
      } finally {
        await reader.close();
      }
    },
    hold: async (customer) => {
      // A transaction holding the row, as a serving instance's write would.
      const holder = adminClient();
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      let locked: () => void = () => undefined;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const done = holder.begin(async (tx) => {
        await tx.unsafe(`SELECT 1 FROM ${table} WHERE customer_id = $1 FOR UPDATE`, [customer]);
        locked();
        await released;
      });
      await isLocked;
      return async () => {
        release();
        await done;
        await holder.close();
      };
    },
  };
}

describe.each(["encrypted_file", "database"] as const)("cli rotate-key interrupted (%s)", (type) => {
  test("killed halfway, it leaves every record readable, and a second run finishes the rest", async () => {
    const envOf = store(type);
    const oldKey = newKey();
    const newestKey = newKey();
    const newKeyId = keyIdHex(keyIdOf(parseEncryptionKey(newestKey)));
    const customers = Array.from({ length: 20 }, (_, n) => `c${String(n).padStart(2, "0")}`);
    const calendars = customers.map(trackedCalendar);
    await withStorage(envOf(oldKey), type, async (storage) => {
      for (const calendar of calendars) await storage.tracked.put(calendar);
    });
    const rotating = envOf(newestKey, { TOKEN_ENCRYPTION_PREVIOUS_KEYS: oldKey });
    const behind = type === "database" ? trackedRows(rotating) : trackedFiles(rotating);
    // Records are walked in key order: the walk reseals c00..c09, then waits on c10.
    const release = await behind.hold("c10");
    const child = startCli(["rotate-key"], rotating);
    try {
      const deadline = Date.now() + 15_000;
      const resealed = async () => (await behind.keyIds()).filter((keyId) => keyId === newKeyId).length;
      while ((await resealed()) < 10 && Date.now() < deadline) await Bun.sleep(20);
      expect(await resealed()).toBe(10);
      child.kill("SIGKILL");
      await child.exited;
    } finally {
      await release();
    }
    // Mid-rotation every record opens with the keys the server holds (new and old).
    await withStorage(rotating, type, async (storage) => {
      for (const calendar of calendars)
        expect(await storage.tracked.get(calendar.customerId)).toEqual(calendar);
    });

    const again = await runCli(["rotate-key"], rotating);
    expect(again.code).toBe(0);
    const tally = counts(again.stdout)["tracked calendars"];
    // PostgreSQL may still run the killed client's last swap once the row is free (it is atomic):
    // c10 is then current, or the second run's swap loses to it and finds it current.
    expect(type === "database" ? [10, 11] : [10]).toContain(tally?.current ?? -1);
    expect(tally).toMatchObject({ missing: 0, unreadable: 0 });
    expect((tally?.resealed ?? 0) + (tally?.current ?? 0)).toBe(20);
    await withStorage(envOf(newestKey), type, async (storage) => {
      for (const calendar of calendars)
        expect(await storage.tracked.get(calendar.customerId)).toEqual(calendar);
    });
  });
});
