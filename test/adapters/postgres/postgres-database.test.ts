import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { PostgresDatabase } from "../../../src/adapters/postgres/postgres-database.ts";
import { POSTGRES_SCHEMA_VERSION } from "../../../src/adapters/postgres/postgres-migrations.ts";
import { PostgresPendingAuthorizations } from "../../../src/adapters/postgres/postgres-pending-authorizations.ts";
import { PostgresTokenVault } from "../../../src/adapters/postgres/postgres-token-vault.ts";
import { RecordSealer } from "../../../src/adapters/vault/record-sealer.ts";
import { isDomainError } from "../../../src/domain/errors.ts";
import { collect, id, newKeys, sampleConnection, samplePending } from "../vault/vault-fixtures.ts";
import { SchemaScope, SMALL_POOLS, storageUnavailable, TEST_DATABASE_URL } from "./postgres-fixtures.ts";

describe("PostgreSQL token database", () => {
  let scope: SchemaScope;
  const unopened: PostgresDatabase[] = [];
  const instance = (): PostgresDatabase => {
    const db = new PostgresDatabase(TEST_DATABASE_URL, { ...SMALL_POOLS, schema: scope.schema });
    unopened.push(db);
    return db;
  };
  beforeEach(() => {
    scope = new SchemaScope();
  });
  afterEach(async () => {
    await Promise.all(unopened.splice(0).map((db) => db.close()));
    await scope.cleanup();
  });

  test("instances starting together migrate once: the schema, its tables and one row per version", async () => {
    const instances = Array.from({ length: 5 }, instance);
    const applied = await Promise.all(instances.map((db) => db.migrate()));
    const every = Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, index) => index + 1);
    expect(applied.filter((versions) => versions.length > 0)).toEqual([every]);
    const versions = await scope.admin.unsafe(
      `SELECT version, name FROM ${scope.table("schema_migrations")}`,
    );
    expect(versions.map((row: { version: number }) => row.version).sort()).toEqual(every);
    const tables = await scope.admin`
      SELECT table_name FROM information_schema.tables WHERE table_schema = ${scope.schema} ORDER BY table_name`;
    expect(tables.map((row: { table_name: string }) => row.table_name)).toEqual([
      "connections",
      "idempotency_records",
      "lock_fences",
      "own_writes",
      "pending_authorizations",
      "pending_connections",
      "schema_migrations",
      "tracked_calendars",
      "webhook_outbox",
    ]);
  });

  test("reopening keeps the data and applies nothing", async () => {
    const keys = newKeys();
    const connection = sampleConnection(id("alice"));
    await new PostgresTokenVault(await scope.open(), new RecordSealer(keys)).put(connection);
    const again = instance();
    expect(await again.migrate()).toEqual([]);
    expect(await new PostgresTokenVault(again, new RecordSealer(keys)).get(connection.customerId)).toEqual(
      connection,
    );
  });

  test("a schema from a newer server is refused as storage_unavailable, and left alone", async () => {
    await scope.open();
    await scope.admin.unsafe(
      `INSERT INTO ${scope.table("schema_migrations")} (version, name) VALUES (99, 'future')`,
    );
    const message = await storageUnavailable(() => instance().migrate());
    expect(message).toContain("newer than this server knows");
    const [row] = await scope.admin.unsafe(
      `SELECT count(*)::int AS n FROM ${scope.table("schema_migrations")}`,
    );
    expect(row.n).toBe(POSTGRES_SCHEMA_VERSION + 1);
  });

  test("a schema name that is not a plain identifier is refused before any statement", () => {
    for (const schema of ['x"; DROP TABLE y; --', "1abc", "", "a".repeat(64), "public.x"]) {
      expect(() => new PostgresDatabase(TEST_DATABASE_URL, { schema })).toThrow("schema name");
    }
  });

  test("listCustomerIds pages through more ids than one page holds, each once", async () => {
    const db = await scope.open();
    // Rows written directly: listing needs no key and opens no record.
    await scope.admin.unsafe(
      `INSERT INTO ${scope.table("connections")} (customer_id, record)
       SELECT 'c-' || i || CASE WHEN i % 2 = 0 THEN '-X' ELSE '-x' END, '\\x01'::bytea FROM generate_series(1, 1234) AS i`,
    );
    const ids = await collect(new PostgresTokenVault(db, new RecordSealer(newKeys())).listCustomerIds());
    expect(ids.length).toBe(1234);
    expect(new Set(ids).size).toBe(1234);
  });

  test("pending authorizations are keyed by the state's hash, with the expiry in clear", async () => {
    const db = await scope.open();
    const pending = samplePending(id("alice"), new Date("2030-01-01T00:00:00.123Z"));
    await new PostgresPendingAuthorizations(db, new RecordSealer(newKeys())).save(pending);
    const rows = await scope.admin.unsafe(
      `SELECT state_hash, expires_at, record FROM ${scope.table("pending_authorizations")}`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].state_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].expires_at).toEqual(pending.expiresAt);
    expect(Buffer.from(rows[0].record).includes(pending.state)).toBe(false);
    expect(Buffer.from(rows[0].record).includes(pending.codeVerifier)).toBe(false);
  });

  test("a pending authorization no held key opens is unreadable, and consumed", async () => {
    const db = await scope.open();
    const pending = samplePending(id("alice"), new Date("2030-01-01T00:00:00Z"));
    await new PostgresPendingAuthorizations(db, new RecordSealer(newKeys())).save(pending);
    const stranger = new PostgresPendingAuthorizations(db, new RecordSealer(newKeys()));
    const error = await stranger.take(pending.state).catch((caught: unknown) => caught);
    expect(isDomainError(error, "record_unreadable")).toBe(true);
    expect(await stranger.take(pending.state)).toBeNull();
  });

  test("a statement past the statement timeout is storage_unavailable and writes nothing", async () => {
    const db = await scope.open({ statementTimeoutMs: 200 });
    const vault = new PostgresTokenVault(db, new RecordSealer(newKeys()));
    const original = sampleConnection(id("alice"));
    await vault.put(original);
    // Another session holds the row: the upsert waits for it until the server cancels the statement.
    const blocker = await scope.admin.reserve();
    try {
      await blocker.unsafe("BEGIN");
      await blocker.unsafe(
        `SELECT 1 FROM ${scope.table("connections")} WHERE customer_id = 'alice' FOR UPDATE`,
      );
      const message = await storageUnavailable(() =>
        vault.put(sampleConnection(id("alice"), { email: "new@example.com" })),
      );
      expect(message).toContain("57014");
      await blocker.unsafe("ROLLBACK");
    } finally {
      await blocker.release();
    }
    expect(await vault.get(id("alice"))).toEqual(original);
  });
});
