import { expect } from "bun:test";
import { SQL } from "bun";
import {
  openPostgresDatabase,
  type PostgresDatabase,
  type PostgresDatabaseOptions,
} from "../../../src/adapters/postgres/postgres-database.ts";
import { isDomainError } from "../../../src/domain/errors.ts";

/** The PostgreSQL the tests use; each test run works in a schema of its own and drops it. */
export const TEST_DATABASE_URL = Bun.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A fresh schema name: `test_` and 16 random hex digits. */
export function newSchemaName(): string {
  return `test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
}

/** A one-connection client for setting up, inspecting and tampering, outside the adapters. */
export function adminClient(url: string = TEST_DATABASE_URL): SQL {
  const pathname = new URL(url).pathname.replace(/^\//, "");
  return new SQL({ url, database: pathname, max: 1, connectionTimeout: 5 });
}

/** Small pools: tests open several "instances" at once and PostgreSQL allows 100 connections. */
export const SMALL_POOLS: PostgresDatabaseOptions = { maxConnections: 3, maxLockConnections: 2 };

/** Opens databases on one schema (each its own pools, as separate instances) and cleans up after. */
export class SchemaScope {
  readonly schema = newSchemaName();
  readonly admin = adminClient();
  readonly #opened: PostgresDatabase[] = [];

  async open(
    options: PostgresDatabaseOptions = {},
    url: string = TEST_DATABASE_URL,
  ): Promise<PostgresDatabase> {
    const db = await openPostgresDatabase(url, { ...SMALL_POOLS, ...options, schema: this.schema });
    this.#opened.push(db);
    return db;
  }

  /** `"schema"."table"` for the admin client's statements. */
  table(name: string): string {
    return `"${this.schema}"."${name}"`;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.#opened.map((db) => db.close()));
    await this.admin.unsafe(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
    await this.admin.close();
  }
}

/** Settle `work`, expecting DomainError storage_unavailable; returns its message. */
export async function storageUnavailable(work: () => Promise<unknown>): Promise<string> {
  const error = await Promise.resolve()
    .then(work)
    .then(
      () => null,
      (caught: unknown) => caught,
    );
  expect(isDomainError(error, "storage_unavailable")).toBe(true);
  return (error as Error).message;
}
