import { SQL } from "bun";
import type { LockPurpose } from "../../domain/ports/customer-lock.ts";
import { type PgCallOptions, pgCall, redactDatabaseUrl } from "./postgres-errors.ts";
import { MIGRATION_TIMEOUT_MS, migrate, quoteIdentifier } from "./postgres-migrations.ts";

export interface PostgresDatabaseOptions {
  /** Schema holding the tables (created when missing). Default "public". */
  schema?: string;
  /** Connections for vault statements. Default 10. */
  maxConnections?: number;
  /** Connections per lock purpose ("token", "booking"), each held while its lock is. Default 4. */
  maxLockConnections?: number;
  /** Giving up on opening a connection. Default 5000. */
  connectTimeoutMs?: number;
  /** Server-side limit per statement (statement_timeout). Default 5000. */
  statementTimeoutMs?: number;
  /** Waiting for a free lock connection, then for the lock itself (lock_timeout). Default 30000. */
  lockWaitTimeoutMs?: number;
  /** Shown in pg_stat_activity. Default "mcp-calendar". */
  applicationName?: string;
}

export type PostgresTable =
  | "connections"
  | "pending_authorizations"
  | "idempotency_records"
  | "lock_fences"
  | "pending_connections"
  | "webhook_outbox"
  | "tracked_calendars"
  | "own_writes";

export interface QueryResult<Row> {
  rows: Row[];
  /** Rows written by an INSERT, UPDATE or DELETE. */
  affectedRows: number;
}

/**
 * The PostgreSQL token store: one pool for vault statements and one small pool per lock purpose
 * (see PostgresCustomerLock for why they are separate). Bun's pools reconnect by themselves: a
 * connection the server dropped is replaced at the next query, and a pool that lost every
 * connection starts again at the next call, so the server recovers when the database returns.
 */
export class PostgresDatabase {
  readonly schema: string;
  readonly lockWaitTimeoutMs: number;
  /** Client-side limit for one statement, pool wait and connect included. */
  readonly deadlineMs: number;
  readonly maxConnections: number;
  readonly maxLockConnections: number;
  readonly #data: SQL;
  readonly #locks: Record<LockPurpose, SQL>;
  readonly #quotedSchema: string;
  /** Where it is, for error messages: the URL without its password, and the schema. */
  readonly #where: string;

  /** Opens no connection; openPostgresDatabase connects and migrates. */
  constructor(url: string, options: PostgresDatabaseOptions = {}) {
    this.schema = options.schema ?? "public";
    this.#quotedSchema = quoteIdentifier(this.schema);
    this.#where = `${redactDatabaseUrl(url)} (schema "${this.schema}")`;
    const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    const statementTimeoutMs = options.statementTimeoutMs ?? 5000;
    this.lockWaitTimeoutMs = options.lockWaitTimeoutMs ?? 30_000;
    this.maxConnections = options.maxConnections ?? 10;
    this.maxLockConnections = options.maxLockConnections ?? 4;
    // Pool wait + connect + the statement, with a margin so the server's timeout answers first.
    this.deadlineMs = connectTimeoutMs + statementTimeoutMs + 1000;
    const common = {
      url,
      // Bun lets PGDATABASE override the URL's database; the URL is what the operator configured.
      ...databaseOf(url),
      connectionTimeout: Math.max(1, Math.ceil(connectTimeoutMs / 1000)),
      maxLifetime: 1800,
    };
    const applicationName = options.applicationName ?? "mcp-calendar";
    this.#data = new SQL({
      ...common,
      max: this.maxConnections,
      idleTimeout: 300,
      connection: { application_name: applicationName, statement_timeout: statementTimeoutMs },
    });
    const lockPool = (purpose: LockPurpose): SQL =>
      new SQL({
        ...common,
        max: this.maxLockConnections,
        idleTimeout: 60,
        connection: {
          application_name: `${applicationName}:${purpose}-lock`,
          lock_timeout: this.lockWaitTimeoutMs,
          statement_timeout: this.lockWaitTimeoutMs + statementTimeoutMs,
        },
      });
    this.#locks = { token: lockPool("token"), booking: lockPool("booking") };
  }

  /** `"schema"."table"`, for statement text. */
  table(name: PostgresTable): string {
    return `${this.#quotedSchema}.${name}`;
  }

  /**
   * One statement on the data pool, bounded by the client deadline.
   * @throws DomainError storage_unavailable
   */
  async query<Row>(
    what: string,
    text: string,
    params: unknown[],
    options: PgCallOptions = {},
  ): Promise<QueryResult<Row>> {
    // The Query itself goes to pgCall, so a call past its deadline can be cancelled.
    const result = await pgCall(what, this.deadlineMs, () => this.#data.unsafe<Row[]>(text, params), options);
    return { rows: [...result], affectedRows: result.affectedRows };
  }

  /** A read: safe to run again on a fresh connection when pooled ones died under it. */
  async read<Row>(what: string, text: string, params: unknown[]): Promise<Row[]> {
    return (await this.query<Row>(what, text, params, { attempts: this.maxConnections + 1 })).rows;
  }

  /** The pool whose connections hold `purpose` locks. */
  lockPool(purpose: LockPurpose): SQL {
    return this.#locks[purpose];
  }

  /** @throws DomainError storage_unavailable */
  async ping(): Promise<void> {
    await this.read("reach the database", "SELECT 1", []);
  }

  /** Bring the schema up to date; see migrate. @throws DomainError storage_unavailable */
  async migrate(): Promise<number[]> {
    return pgCall(`open the PostgreSQL database ${this.#where}`, this.deadlineMs + MIGRATION_TIMEOUT_MS, () =>
      migrate(this.#data, this.schema),
    );
  }

  /** Waits a little for running statements, then closes every connection. */
  async close(): Promise<void> {
    await Promise.all([this.#data, ...Object.values(this.#locks)].map((pool) => pool.close({ timeout: 5 })));
  }
}

/**
 * Connect, migrate, and hand back the open database.
 * @throws DomainError storage_unavailable naming the database (never its password) when it cannot
 *   be reached or migrated
 */
export async function openPostgresDatabase(
  url: string,
  options: PostgresDatabaseOptions = {},
): Promise<PostgresDatabase> {
  const db = new PostgresDatabase(url, options);
  try {
    await db.migrate();
    return db;
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}

function databaseOf(url: string): { database?: string } {
  if (!URL.canParse(url)) return {};
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
  return name === "" ? {} : { database: name };
}
