import type { Database } from "bun:sqlite";
import { expect } from "bun:test";
import { openSqliteTokenDatabase } from "../../../src/adapters/vault/sqlite-database.ts";

/**
 * A store file as schema 5 left it, opened again by this version: `rebuild` turns `table` of
 * `old` (a database this version opened, its rows written) back into schema 5's WITHOUT ROWID
 * layout; the file is marked schema 5 and closed, and the database opened again, which runs
 * migration 6 over it. Checks `table` came out a rowid table.
 */
export function reopenedFromSchema5(file: string, old: Database, table: string, rebuild: string): Database {
  old.exec(`${rebuild}\nPRAGMA user_version = 5;`);
  old.close();
  const db = openSqliteTokenDatabase(file);
  const sql = db
    .query<{ sql: string }, [string]>("SELECT sql FROM sqlite_master WHERE name = ?1")
    .get(table)?.sql;
  expect(sql).toBeString();
  expect(sql).not.toContain("WITHOUT ROWID");
  return db;
}
