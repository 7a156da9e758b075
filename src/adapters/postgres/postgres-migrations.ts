import type { SQL } from "bun";
import { DomainError } from "../../domain/errors.ts";
import { advisoryLockKey } from "./advisory-lock-key.ts";

interface Migration {
  version: number;
  name: string;
  /** Statements for the quoted schema `s`; run in one transaction with the version row. */
  up(s: string): string;
}

/** Append only: a released migration never changes (instances of the previous release still run it). */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "connections and pending authorizations",
    up: (s) => `
      CREATE TABLE ${s}.connections (
        customer_id text COLLATE "C" PRIMARY KEY,
        record bytea NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE ${s}.pending_authorizations (
        state_hash text PRIMARY KEY,
        expires_at timestamptz NOT NULL,
        record bytea NOT NULL
      );
      CREATE INDEX pending_authorizations_expires_at ON ${s}.pending_authorizations (expires_at);`,
  },
  {
    version: 2,
    name: "idempotency records",
    up: (s) => `
      CREATE TABLE ${s}.idempotency_records (
        record_id text COLLATE "C" PRIMARY KEY,
        attempt text NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'completed')),
        updated_at timestamptz NOT NULL,
        record bytea NOT NULL
      );
      CREATE INDEX idempotency_records_updated_at ON ${s}.idempotency_records (updated_at);`,
  },
  {
    version: 3,
    name: "lock fences",
    // See PostgresLockFences: a row outlives the lock session whose work it fences.
    up: (s) => `
      CREATE TABLE ${s}.lock_fences (
        lock_key bigint PRIMARY KEY,
        expires_at timestamptz NOT NULL
      );`,
  },
  {
    version: 4,
    name: "pending authorizations per customer",
    // Rows from before it have no customer key: they expire within minutes, uncapped.
    up: (s) => `
      ALTER TABLE ${s}.pending_authorizations ADD COLUMN customer_key text;
      CREATE INDEX pending_authorizations_customer ON ${s}.pending_authorizations (customer_key, expires_at);`,
  },
  {
    version: 5,
    name: "connections held for confirmation",
    up: (s) => `
      CREATE TABLE ${s}.pending_connections (
        code_hash text PRIMARY KEY,
        expires_at timestamptz NOT NULL,
        record bytea NOT NULL
      );
      CREATE INDEX pending_connections_expires_at ON ${s}.pending_connections (expires_at);`,
  },
  {
    version: 6,
    name: "webhook outbox and change tracking",
    up: (s) => `
      CREATE TABLE ${s}.webhook_outbox (
        id text COLLATE "C" PRIMARY KEY,
        type text NOT NULL,
        customer_id text NOT NULL,
        status text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL,
        next_attempt_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        lease_owner text,
        lease_until timestamptz,
        last_error text,
        delivered_at timestamptz,
        record bytea NOT NULL
      );
      CREATE INDEX webhook_outbox_due ON ${s}.webhook_outbox (status, next_attempt_at);
      CREATE TABLE ${s}.tracked_calendars (
        customer_id text COLLATE "C" PRIMARY KEY,
        channel_id text UNIQUE,
        channel_expires_at timestamptz,
        record bytea NOT NULL
      );
      CREATE TABLE ${s}.own_writes (
        write_key text PRIMARY KEY,
        expires_at timestamptz NOT NULL
      );`,
  },
];

export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;

/** How long a migration (including waiting for another instance's) may take. */
export const MIGRATION_TIMEOUT_MS = 60_000;

/**
 * Bring the schema to POSTGRES_SCHEMA_VERSION. Everything runs in one transaction holding a
 * transaction-level advisory lock derived from the schema name, so instances starting together
 * migrate one after the other (the later ones find nothing to do) and a failed migration leaves
 * nothing behind: PostgreSQL rolls DDL back with the transaction.
 * @returns the versions applied now (empty when the schema was current)
 * @throws DomainError storage_unavailable when the database holds a newer schema than this server knows
 */
export async function migrate(sql: SQL, schema: string): Promise<number[]> {
  const s = quoteIdentifier(schema);
  return sql.begin(async (tx) => {
    await tx.unsafe(`SET LOCAL statement_timeout = ${MIGRATION_TIMEOUT_MS}`);
    await tx.unsafe("SELECT pg_advisory_xact_lock($1::bigint)", [advisoryLockKey("migrate", schema)]);
    // CREATE SCHEMA needs the CREATE privilege on the database even when the schema exists: ask first.
    const found = await tx.unsafe("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
    if (found.length === 0) await tx.unsafe(`CREATE SCHEMA ${s}`);
    await tx.unsafe(`CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const [row] = await tx.unsafe<Array<{ version: number }>>(
      `SELECT coalesce(max(version), 0)::int AS version FROM ${s}.schema_migrations`,
    );
    const current = row?.version ?? 0;
    if (current > POSTGRES_SCHEMA_VERSION) {
      throw new DomainError(
        "storage_unavailable",
        `The token database schema "${schema}" has version ${current}, newer than this server knows (${POSTGRES_SCHEMA_VERSION}); upgrade the server`,
      );
    }
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      await tx.unsafe(migration.up(s));
      await tx.unsafe(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    return applied;
  });
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** @throws Error unless `name` is a plain identifier (letters, digits, underscore; at most 63) */
export function quoteIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new Error("a schema name must be 1-63 letters, digits or underscores, not starting with a digit");
  }
  return `"${name}"`;
}
