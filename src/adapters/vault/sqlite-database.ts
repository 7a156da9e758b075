import { Database } from "bun:sqlite";
import * as fs from "node:fs";
import { DomainError, isDomainError } from "../../domain/errors.ts";

export interface SqliteTokenDatabaseOptions {
  /**
   * How long a write waits for another connection's lock before failing with storage_unavailable.
   * bun:sqlite is synchronous, so this also bounds how long the event loop can stall.
   */
  busyTimeoutMs?: number;
  /**
   * "FULL" (the default) makes every commit wait for the disk, so it survives power loss: for
   * tokens and webhooks. "NORMAL" (SQLite's advice for WAL) survives any crash of the process,
   * kill -9 included, and leaves the disk wait to checkpoints; a power loss may roll back the last
   * commits. The idempotency records use it (src/app/storage.ts says why).
   */
  synchronous?: "FULL" | "NORMAL";
}

/** Each entry moves the schema from version `index` to `index + 1` (PRAGMA user_version). */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE connections (
     customer_id TEXT PRIMARY KEY NOT NULL,
     record BLOB NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE pending_authorizations (
     state_hash TEXT PRIMARY KEY NOT NULL,
     expires_at INTEGER NOT NULL,
     record BLOB NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX pending_authorizations_expires_at ON pending_authorizations (expires_at);`,
  // Idempotency keys of bookings (SqliteIdempotencyRecords); updated_at is epoch milliseconds.
  `CREATE TABLE idempotency_records (
     record_id TEXT PRIMARY KEY NOT NULL,
     attempt TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('pending', 'completed')),
     updated_at INTEGER NOT NULL,
     record BLOB NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX idempotency_records_updated_at ON idempotency_records (updated_at);`,
  // Entries from before it have no customer key: they expire within minutes, uncapped.
  `ALTER TABLE pending_authorizations ADD COLUMN customer_key TEXT;
   CREATE INDEX pending_authorizations_customer ON pending_authorizations (customer_key, expires_at);`,
  `CREATE TABLE pending_connections (
     code_hash TEXT PRIMARY KEY NOT NULL,
     expires_at INTEGER NOT NULL,
     record BLOB NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX pending_connections_expires_at ON pending_connections (expires_at);`,
  // Webhook outbox (webhooks/sqlite-webhook-outbox.ts): the body sealed, the rest in clear to
  // schedule; calendars followed for changes and this server's own writes (changes/).
  `CREATE TABLE webhook_outbox (
     id TEXT PRIMARY KEY NOT NULL,
     type TEXT NOT NULL,
     customer_id TEXT NOT NULL,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL,
     next_attempt_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     lease_owner TEXT,
     lease_until INTEGER,
     last_error TEXT,
     delivered_at INTEGER,
     record BLOB NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX webhook_outbox_due ON webhook_outbox (status, next_attempt_at);
   CREATE TABLE tracked_calendars (
     customer_id TEXT PRIMARY KEY NOT NULL,
     channel_id TEXT UNIQUE,
     channel_expires_at INTEGER,
     record BLOB NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE own_writes (
     write_key TEXT PRIMARY KEY NOT NULL,
     expires_at INTEGER NOT NULL
   ) WITHOUT ROWID;`,
  // Connections, idempotency records and the webhook outbox move to rowid tables. A WITHOUT ROWID
  // table keeps at most 1,002 bytes of a row in its 4 KiB page, and a lookup in it reads the whole
  // row of every entry it compares, overflow pages included. An idempotency record is about 1 KB
  // sealed: each lookup of a key (a booking makes three) cost eight reads from the file. A
  // connection is about 900 bytes with the tokens the emulator mints, but Google's access tokens
  // may be up to 2 KB; a webhook's body holds an event, its description up to 8 KB. A rowid table
  // keeps rows up to 4 KB in place, and lookups go through an index holding only ids. The other
  // tables' rows stay well under 1 KB.
  `CREATE TABLE connections_v2 (
     customer_id TEXT NOT NULL,
     record BLOB NOT NULL
   );
   INSERT INTO connections_v2 (customer_id, record) SELECT customer_id, record FROM connections;
   DROP TABLE connections;
   ALTER TABLE connections_v2 RENAME TO connections;
   CREATE UNIQUE INDEX connections_customer_id ON connections (customer_id);
   CREATE TABLE idempotency_records_v2 (
     record_id TEXT NOT NULL,
     attempt TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('pending', 'completed')),
     updated_at INTEGER NOT NULL,
     record BLOB NOT NULL
   );
   INSERT INTO idempotency_records_v2 (record_id, attempt, state, updated_at, record)
     SELECT record_id, attempt, state, updated_at, record FROM idempotency_records;
   DROP TABLE idempotency_records;
   ALTER TABLE idempotency_records_v2 RENAME TO idempotency_records;
   CREATE UNIQUE INDEX idempotency_records_record_id ON idempotency_records (record_id);
   CREATE INDEX idempotency_records_updated_at ON idempotency_records (updated_at);
   CREATE TABLE webhook_outbox_v2 (
     id TEXT NOT NULL,
     type TEXT NOT NULL,
     customer_id TEXT NOT NULL,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL,
     next_attempt_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     lease_owner TEXT,
     lease_until INTEGER,
     last_error TEXT,
     delivered_at INTEGER,
     record BLOB NOT NULL
   );
   INSERT INTO webhook_outbox_v2 (id, type, customer_id, status, attempts, created_at, next_attempt_at,
       expires_at, lease_owner, lease_until, last_error, delivered_at, record)
     SELECT id, type, customer_id, status, attempts, created_at, next_attempt_at, expires_at,
       lease_owner, lease_until, last_error, delivered_at, record FROM webhook_outbox;
   DROP TABLE webhook_outbox;
   ALTER TABLE webhook_outbox_v2 RENAME TO webhook_outbox;
   CREATE UNIQUE INDEX webhook_outbox_id ON webhook_outbox (id);
   CREATE INDEX webhook_outbox_due ON webhook_outbox (status, next_attempt_at);`,
];

export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Open (creating if needed) the token database shared by SqliteTokenVault and
 * SqlitePendingAuthorizations: WAL so readers never block the writer, synchronous=FULL so a
 * committed token survives power loss, a busy timeout for other processes (the key-rotation CLI).
 * @throws DomainError storage_unavailable when the file cannot be opened, read, or migrated
 */
export function openSqliteTokenDatabase(path: string, options: SqliteTokenDatabaseOptions = {}): Database {
  return sqliteCall("open the token database", () => {
    const db = new Database(path, { create: true, readwrite: true, strict: true });
    try {
      // SQLite gives the -wal and -shm files the database file's mode, so this covers all three.
      if (path !== ":memory:" && (fs.statSync(path).mode & 0o077) !== 0) fs.chmodSync(path, 0o600);
      db.run(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
      const mode = db.query<{ journal_mode: string }, []>("PRAGMA journal_mode = WAL").get();
      if (mode?.journal_mode !== "wal") throw new Error(`journal_mode is ${mode?.journal_mode}, not wal`);
      db.run(`PRAGMA synchronous = ${options.synchronous ?? "FULL"}`);
      db.run("PRAGMA foreign_keys = ON");
      migrate(db);
      return db;
    } catch (error) {
      db.close();
      throw error;
    }
  });
}

function migrate(db: Database): void {
  // IMMEDIATE takes the write lock first, so two processes starting together migrate once.
  db.transaction(() => {
    const row = db.query<{ user_version: number }, []>("PRAGMA user_version").get();
    const version = row?.user_version ?? 0;
    if (version > MIGRATIONS.length) {
      throw new DomainError(
        "storage_unavailable",
        `The token database has schema version ${version}, newer than this server knows (${MIGRATIONS.length})`,
      );
    }
    for (const [index, sql] of MIGRATIONS.entries()) {
      if (index >= version) db.exec(sql);
    }
    db.run(`PRAGMA user_version = ${MIGRATIONS.length}`);
  }).immediate();
}

/**
 * Run a database call, turning every SQLite failure (SQLITE_BUSY after the timeout, I/O errors,
 * cannot open, closed database) into storage_unavailable. SQLite messages carry no bound values,
 * so no token can leak through them.
 */
export function sqliteCall<T>(what: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw storageError(what, error);
  }
}

/** What sqliteCall throws for `error`: a DomainError as it is, anything else storage_unavailable. */
export function storageError(what: string, error: unknown): DomainError {
  if (isDomainError(error)) return error;
  const code = (error as { code?: unknown }).code;
  const detail = typeof code === "string" ? code : error instanceof Error ? error.message : "unknown error";
  return new DomainError(
    "storage_unavailable",
    `The token store is unavailable: cannot ${what} (${detail})`,
    {
      cause: error,
    },
  );
}
