import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { PostgresCustomerLock } from "../../../src/adapters/postgres/postgres-customer-lock.ts";
import {
  openPostgresDatabase,
  type PostgresDatabase,
} from "../../../src/adapters/postgres/postgres-database.ts";
import { PostgresPendingAuthorizations } from "../../../src/adapters/postgres/postgres-pending-authorizations.ts";
import { PostgresTokenVault } from "../../../src/adapters/postgres/postgres-token-vault.ts";
import { generateEncryptionKey } from "../../../src/adapters/vault/encryption-keys.ts";
import { RecordSealer } from "../../../src/adapters/vault/record-sealer.ts";
import { loadConfig } from "../../../src/app/config.ts";
import { openStorage } from "../../../src/app/storage.ts";
import type { Connection } from "../../../src/domain/connection.ts";
import { isDomainError } from "../../../src/domain/errors.ts";
import { collect, id, newKeys, sampleConnection, samplePending } from "../vault/vault-fixtures.ts";
import { SchemaScope, storageUnavailable, TEST_DATABASE_URL } from "./postgres-fixtures.ts";
import { TcpProxy } from "./tcp-proxy.ts";

/** Short timeouts: an unreachable database must fail calls quickly, not hang them. */
const QUICK = { connectTimeoutMs: 1000, statementTimeoutMs: 1000, lockWaitTimeoutMs: 1000 };

function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}

describe("PostgreSQL store when the database is unreachable", () => {
  let scope: SchemaScope;
  let proxy: TcpProxy;
  beforeEach(async () => {
    scope = new SchemaScope();
    proxy = await TcpProxy.start(TEST_DATABASE_URL);
  });
  afterEach(async () => {
    await proxy.cut();
    await scope.cleanup();
  });

  test("at start: storage_unavailable naming the database, never its password", async () => {
    await proxy.cut();
    const url = withPassword(proxy.urlFor(TEST_DATABASE_URL), "hunter2-secret");
    const message = await storageUnavailable(() =>
      openPostgresDatabase(url, { ...QUICK, schema: scope.schema }),
    );
    expect(message).toContain(`127.0.0.1:${proxy.port}`);
    expect(message).toContain("ERR_POSTGRES_CONNECTION_REFUSED");
    expect(message).not.toContain("hunter2-secret");
  });

  test("openStorage with TOKEN_STORAGE_TYPE=database fails the same way at start", async () => {
    await proxy.cut();
    const config = loadConfig({
      TOKEN_STORAGE_TYPE: "database",
      TOKEN_DATABASE_URL: withPassword(proxy.urlFor(TEST_DATABASE_URL), "hunter2-secret"),
      TOKEN_DATABASE_SCHEMA: scope.schema,
      TOKEN_ENCRYPTION_KEY: generateEncryptionKey(),
    });
    const message = await storageUnavailable(() => openStorage(config));
    expect(message).toStartWith(
      "The token store is unavailable: cannot open the PostgreSQL database postgres://",
    );
    expect(message).not.toContain("hunter2-secret");
  });

  test("while it is away every call is storage_unavailable and nothing lands; when it returns all work again", async () => {
    const db = await scope.open(QUICK, proxy.urlFor(TEST_DATABASE_URL));
    const keys = newKeys();
    const vault = new PostgresTokenVault(db, new RecordSealer(keys));
    const pending = new PostgresPendingAuthorizations(db, new RecordSealer(keys));
    const lock = new PostgresCustomerLock(db);
    const alice = id("alice");
    const before = sampleConnection(alice);
    const started = samplePending(alice, new Date(Date.now() + 600_000));
    await vault.put(before);
    await pending.save(started);
    await lock.withLock(alice, "token", async () => undefined);

    await proxy.cut();
    let ran = false;
    const calls: Array<() => Promise<unknown>> = [
      () => vault.get(alice),
      () => vault.put(sampleConnection(alice, { email: "during-outage@example.com" })),
      () => vault.delete(alice),
      () => collect(vault.listCustomerIds()),
      () => vault.reseal(alice),
      () => pending.save(samplePending(alice, new Date(Date.now() + 600_000))),
      () => pending.take(started.state),
      () => pending.purgeExpired(new Date()),
      () => db.ping(),
      () => lock.withLock(alice, "token", async () => (ran = true)),
      () => lock.withLock(alice, "booking", async () => (ran = true)),
    ];
    for (const call of calls) await storageUnavailable(call);
    expect(ran).toBe(false);

    await proxy.restore();
    await db.ping();
    expect(await vault.get(alice)).toEqual(before);
    expect(await pending.take(started.state)).toEqual(started);
    expect(await lock.withLock(alice, "booking", async () => "locked")).toBe("locked");
    const after = sampleConnection(alice, { email: "after@example.com" });
    await vault.put(after);
    expect(await vault.get(alice)).toEqual(after);
  });

  test("a database that stops answering (no reset): every call gives up at its deadline", async () => {
    const quick = { connectTimeoutMs: 1000, statementTimeoutMs: 200, lockWaitTimeoutMs: 200 };
    const db = await scope.open(quick, proxy.urlFor(TEST_DATABASE_URL));
    const vault = new PostgresTokenVault(db, new RecordSealer(newKeys()));
    const lock = new PostgresCustomerLock(db);
    const alice = id("alice");
    await vault.put(sampleConnection(alice));
    await lock.withLock(alice, "token", async () => undefined);

    proxy.freeze();
    let ran = false;
    const messages = await Promise.all([
      storageUnavailable(() => vault.get(alice)),
      storageUnavailable(() => vault.put(sampleConnection(alice))),
      storageUnavailable(() => lock.withLock(alice, "token", async () => (ran = true))),
      storageUnavailable(() => db.ping()),
    ]);
    expect(ran).toBe(false);
    for (const message of messages) expect(message).toContain("no answer within");

    // The network heals (the silent connections are dropped, as TCP keepalive would): all work again.
    await proxy.cut();
    await proxy.restore();
    await db.ping();
    expect(await lock.withLock(alice, "token", async () => "locked")).toBe("locked");
    expect((await vault.get(alice))?.customerId).toBe(alice);
  });

  test("the storage's ping (behind /healthz) reports the outage and the recovery", async () => {
    const config = loadConfig({
      TOKEN_STORAGE_TYPE: "database",
      TOKEN_DATABASE_URL: proxy.urlFor(TEST_DATABASE_URL),
      TOKEN_DATABASE_SCHEMA: scope.schema,
      TOKEN_ENCRYPTION_KEY: generateEncryptionKey(),
    });
    const storage = await openStorage(config);
    try {
      await storage.ping();
      await proxy.cut();
      await storageUnavailable(() => storage.ping());
      await proxy.restore();
      await storage.ping();
    } finally {
      await storage.close();
    }
  });
});

describe("PostgreSQL store when the server drops its connections (pg_terminate_backend)", () => {
  let scope: SchemaScope;
  beforeEach(() => {
    scope = new SchemaScope();
  });
  afterEach(async () => {
    await scope.cleanup();
  });

  async function terminate(applicationName: string): Promise<number> {
    const killed = await scope.admin`
      SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE ${`${applicationName}%`}`;
    return killed.length;
  }

  test("calls under way succeed or fail as storage_unavailable, no record is half-written, then all succeed", async () => {
    const applicationName = `terminate-${scope.schema}`;
    const db: PostgresDatabase = await scope.open({ applicationName, maxConnections: 4 });
    const keys = newKeys();
    const vault = new PostgresTokenVault(db, new RecordSealer(keys));
    const lock = new PostgresCustomerLock(db);
    const customers = Array.from({ length: 30 }, (_, index) => id(`customer-${index}`));
    const first = customers.map((customer) => sampleConnection(customer, { email: "first@example.com" }));
    const second = customers.map((customer) => sampleConnection(customer, { email: "second@example.com" }));
    const secondOf = (index: number): Connection => second[index] as Connection;
    for (const connection of first) await vault.put(connection);

    let killed = 0;
    for (let round = 0; round < 3; round += 1) {
      // Settled from the start: calls may fail while the connections are being terminated, and
      // a rejection nobody listens to yet would be reported as unhandled.
      const settled = Promise.allSettled(
        customers.flatMap((customer, index) => [
          lock.withLock(customer, "token", () => vault.put(secondOf(index))),
          vault.get(customer),
        ]),
      );
      // Whatever the pools hold at this moment (data and lock connections) is dropped.
      killed += await terminate(applicationName);
      const outcomes = await settled;
      for (const outcome of outcomes) {
        if (outcome.status === "rejected")
          expect(isDomainError(outcome.reason, "storage_unavailable")).toBe(true);
      }
    }

    expect(killed).toBeGreaterThan(0);

    // Every record is whole: the first or the second version, each opening cleanly. A pooled
    // connection killed in the last round is only found dead when next used, so the first call
    // on it may still fail: the store must recover within a few retries, as a caller would make.
    for (const [index, customer] of customers.entries()) {
      const stored = await afterOutage(() => vault.get(customer));
      expect([first[index], second[index]]).toContainEqual(stored as Connection);
    }
    // And the store works again, through the same pools.
    await Promise.all(customers.map((_, index) => afterOutage(() => vault.put(secondOf(index)))));
    for (const [index, customer] of customers.entries())
      expect(await vault.get(customer)).toEqual(secondOf(index));
    expect(await afterOutage(() => lock.withLock(id("customer-0"), "booking", async () => "ok"))).toBe("ok");
  });
});

/** `work`, retried a bounded number of times while the store reports the outage it recovers from. */
async function afterOutage<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= 5 || !isDomainError(error, "storage_unavailable")) throw error;
      await Bun.sleep(100 * attempt);
    }
  }
}
