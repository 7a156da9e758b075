import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PostgresIdempotencyRecords } from "../../../src/adapters/postgres/postgres-idempotency-records.ts";
import { PostgresTokenVault } from "../../../src/adapters/postgres/postgres-token-vault.ts";
import { EncryptedFileIdempotencyRecords } from "../../../src/adapters/vault/encrypted-file-idempotency-records.ts";
import { RecordSealer } from "../../../src/adapters/vault/record-sealer.ts";
import {
  openSqliteTokenDatabase,
  SQLITE_SCHEMA_VERSION,
} from "../../../src/adapters/vault/sqlite-database.ts";
import { SqliteIdempotencyRecords } from "../../../src/adapters/vault/sqlite-idempotency-records.ts";
import { SqliteTokenVault } from "../../../src/adapters/vault/sqlite-token-vault.ts";
import { parseCustomerId } from "../../../src/domain/customer-id.ts";
import type { ClaimOutcome, IdempotencyRecord } from "../../../src/domain/ports/idempotency-records.ts";
import { SchemaScope } from "../postgres/postgres-fixtures.ts";
import { reopenedFromSchema5 } from "../vault/schema-5.ts";
import { newKeys, sampleConnection } from "../vault/vault-fixtures.ts";
import { domainErrorCode, flipLastByte, sampleClaim } from "./idempotency-fixtures.ts";

const alice = parseCustomerId("alice");
const t0 = new Date("2027-02-01T10:00:00.000Z");
const dayAfter = new Date(t0.getTime() + 86_400_000);

function won(outcome: ClaimOutcome): IdempotencyRecord {
  if (!outcome.claimed) throw new Error("expected the claim to win");
  return outcome.record;
}

describe("SQLite idempotency records", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "idempotency-sqlite-"));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("a database of schema 1 gains the table and keeps its connections", async () => {
    const file = path.join(dir, "t.db");
    const sealer = new RecordSealer(newKeys());
    const old = openSqliteTokenDatabase(file);
    const connection = sampleConnection(alice);
    await new SqliteTokenVault(old, sealer).put(connection);
    // Back to schema 1 (what servers before idempotency records created): later tables dropped.
    const later = old
      .query<{ name: string }, []>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('connections', 'pending_authorizations')",
      )
      .all();
    for (const { name } of later) old.run(`DROP TABLE ${name}`);
    // Later migrations also added a column to a version 1 table.
    old.run("DROP INDEX IF EXISTS pending_authorizations_customer");
    old.run("ALTER TABLE pending_authorizations DROP COLUMN customer_key");
    old.run("PRAGMA user_version = 1");
    old.close();
    const db = openSqliteTokenDatabase(file);
    try {
      expect(db.query("PRAGMA user_version").get()).toEqual({ user_version: SQLITE_SCHEMA_VERSION });
      expect(await new SqliteTokenVault(db, sealer).get(alice)).toEqual(connection);
      won(await new SqliteIdempotencyRecords(db, sealer).claim(sampleClaim(alice, "k"), t0));
    } finally {
      db.close();
    }
  });

  test("records written in the WITHOUT ROWID table (schema 5) are still found, and still unique, after the move to rowid tables", async () => {
    const file = path.join(dir, "t.db");
    const sealer = new RecordSealer(newKeys());
    const old = openSqliteTokenDatabase(file);
    const pending = won(await new SqliteIdempotencyRecords(old, sealer).claim(sampleClaim(alice, "k"), t0));
    // Back to schema 5: the table as it was, holding that row.
    const db = reopenedFromSchema5(
      file,
      old,
      "idempotency_records",
      `CREATE TABLE old_records (
         record_id TEXT PRIMARY KEY NOT NULL,
         attempt TEXT NOT NULL,
         state TEXT NOT NULL CHECK (state IN ('pending', 'completed')),
         updated_at INTEGER NOT NULL,
         record BLOB NOT NULL
       ) WITHOUT ROWID;
       INSERT INTO old_records SELECT record_id, attempt, state, updated_at, record FROM idempotency_records;
       DROP TABLE idempotency_records;
       ALTER TABLE old_records RENAME TO idempotency_records;
       CREATE INDEX idempotency_records_updated_at ON idempotency_records (updated_at);`,
    );
    try {
      expect(db.query("PRAGMA user_version").get()).toEqual({ user_version: SQLITE_SCHEMA_VERSION });
      const store = new SqliteIdempotencyRecords(db, sealer);
      const again = await store.claim(sampleClaim(alice, "k"), t0);
      if (again.claimed) throw new Error("the migrated record was not found");
      expect(again.existing).toEqual(pending);
      expect(await store.complete(pending, "evt123", t0)).toBe(true);
      expect(() =>
        db.run(
          "INSERT INTO idempotency_records (record_id, attempt, state, updated_at, record) SELECT record_id, 'x', 'pending', 0, record FROM idempotency_records",
        ),
      ).toThrow(/UNIQUE/);
    } finally {
      db.close();
    }
  });

  test("clear columns hold only a hash, an attempt id, the state and a time; an unreadable row still purges", async () => {
    const db = openSqliteTokenDatabase(path.join(dir, "t.db"));
    try {
      const store = new SqliteIdempotencyRecords(db, new RecordSealer(newKeys()));
      won(await store.claim(sampleClaim(alice, "k"), t0));
      const row = db
        .query<
          { record_id: string; attempt: string; state: string; updated_at: number; record: Uint8Array },
          []
        >("SELECT * FROM idempotency_records")
        .get();
      expect(row?.record_id).toMatch(/^[0-9a-f]{64}$/);
      expect(row?.attempt).toMatch(/^[0-9a-f-]{36}$/);
      expect(row?.state).toBe("pending");
      expect(row?.updated_at).toBe(t0.getTime());
      db.query("UPDATE idempotency_records SET record = ?").run(flipLastByte(row?.record as Uint8Array));
      expect(await domainErrorCode(() => store.claim(sampleClaim(alice, "k"), t0))).toBe("record_unreadable");
      expect(await store.purgeOlderThan(t0)).toBe(0);
      expect(await store.purgeOlderThan(dayAfter)).toBe(1);
      won(await store.claim(sampleClaim(alice, "k"), dayAfter));
    } finally {
      db.close();
    }
  });

  test("argument names such as __proto__ and constructor round-trip as plain entries", async () => {
    const db = openSqliteTokenDatabase(path.join(dir, "t.db"));
    try {
      const store = new SqliteIdempotencyRecords(db, new RecordSealer(newKeys()));
      const fingerprint = Object.fromEntries([
        ["__proto__", "d1"],
        ["constructor", "d2"],
      ]);
      won(await store.claim(sampleClaim(alice, "k", { fingerprint }), t0));
      const replay = await store.claim(sampleClaim(alice, "k"), t0);
      if (replay.claimed) throw new Error("expected the existing record");
      expect(Object.entries(replay.existing.fingerprint)).toEqual(Object.entries(fingerprint));
      expect(Object.getPrototypeOf(replay.existing.fingerprint)).toBe(Object.prototype);
    } finally {
      db.close();
    }
  });
});

describe("encrypted-file idempotency records", () => {
  let root: string;
  let dir: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "idempotency-files-"));
    dir = path.join(root, "vault");
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  test("records are 0600 files named by a hash in a 0700 directory, with no scratch file left", async () => {
    const store = new EncryptedFileIdempotencyRecords({ dir, sealer: new RecordSealer(newKeys()) });
    const record = won(await store.claim(sampleClaim(alice, "customer-zebra-key"), t0));
    await store.complete(record, "evt1", t0);
    const sub = path.join(dir, "idempotency");
    expect(fs.statSync(sub).mode & 0o777).toBe(0o700);
    const names = fs.readdirSync(sub);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^[0-9a-f]{64}\.idem$/);
    expect(fs.statSync(path.join(sub, names[0] as string)).mode & 0o777).toBe(0o600);
  });

  test("a record no held key opens is purged by its file's age, not before", async () => {
    const sealer = new RecordSealer(newKeys());
    await new EncryptedFileIdempotencyRecords({ dir, sealer }).claim(sampleClaim(alice, "k"), t0);
    const stranger = new EncryptedFileIdempotencyRecords({ dir, sealer: new RecordSealer(newKeys()) });
    const file = stranger.recordPath({ customerId: alice, key: "k" });
    const now = Date.now();
    expect(await stranger.purgeOlderThan(new Date(now - 60_000))).toBe(0);
    expect(fs.existsSync(file)).toBe(true);
    expect(await stranger.purgeOlderThan(new Date(now + 60_000))).toBe(1);
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe("PostgreSQL idempotency records", () => {
  let scope: SchemaScope;
  beforeEach(() => {
    scope = new SchemaScope();
  });
  afterEach(async () => {
    await scope.cleanup();
  });

  test("a schema at version 1 gains the table and keeps its connections", async () => {
    const sealer = new RecordSealer(newKeys());
    const connection = sampleConnection(alice);
    await new PostgresTokenVault(await scope.open(), sealer).put(connection);
    // Back to version 1 (what servers before idempotency records created): later tables dropped.
    const later = await scope.admin.unsafe<Array<{ table_name: string }>>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1
       AND table_name NOT IN ('connections', 'pending_authorizations', 'schema_migrations')`,
      [scope.schema],
    );
    for (const { table_name } of later) await scope.admin.unsafe(`DROP TABLE ${scope.table(table_name)}`);
    // Later migrations also added a column to a version 1 table.
    await scope.admin.unsafe(
      `ALTER TABLE ${scope.table("pending_authorizations")} DROP COLUMN IF EXISTS customer_key`,
    );
    await scope.admin.unsafe(`DELETE FROM ${scope.table("schema_migrations")} WHERE version > 1`);
    const db = await scope.open();
    expect(await new PostgresTokenVault(db, sealer).get(alice)).toEqual(connection);
    won(await new PostgresIdempotencyRecords(db, sealer).claim(sampleClaim(alice, "k"), t0));
  });

  test("an unreadable row is still purged by its clear updated_at", async () => {
    const store = new PostgresIdempotencyRecords(await scope.open(), new RecordSealer(newKeys()));
    won(await store.claim(sampleClaim(alice, "k"), t0));
    await scope.admin.unsafe(`UPDATE ${scope.table("idempotency_records")} SET record = '\\x00'::bytea`);
    expect(await domainErrorCode(() => store.claim(sampleClaim(alice, "k"), t0))).toBe("record_unreadable");
    expect(await store.purgeOlderThan(t0)).toBe(0);
    expect(await store.purgeOlderThan(dayAfter)).toBe(1);
  });
});
