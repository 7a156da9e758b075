import type { Database } from "bun:sqlite";
import type { RecordSealer } from "./record-sealer.ts";
import { type ResealableRecords, SEALED_TABLES, type SealedTable } from "./resealable-records.ts";
import type { ResealOutcome } from "./resealable-vault.ts";
import { sqliteCall } from "./sqlite-database.ts";

const PAGE = 500;

/**
 * Key rotation for one table of the SQLite token database. The reseal is a compare-and-swap on
 * the exact bytes it opened, so a write racing it (a refresh of the record, a new attempt)
 * wins, and the reseal looks again.
 */
export class SqliteRecordResealer implements ResealableRecords {
  readonly #db: Database;
  readonly #sealer: RecordSealer;
  readonly #table: SealedTable;

  constructor(db: Database, sealer: RecordSealer, table: SealedTable) {
    this.#db = db;
    this.#sealer = sealer;
    this.#table = table;
  }

  /** Pages by key, so a long walk never holds a read transaction open. */
  async *keys(): AsyncIterable<string> {
    const table = this.#table;
    const { key } = SEALED_TABLES[table];
    let after = "";
    for (;;) {
      const rows = sqliteCall(`list ${table}`, () =>
        this.#db
          .query<{ key: string }, [string, number]>(
            `SELECT ${key} AS key FROM ${table} WHERE ${key} > ?1 ORDER BY ${key} LIMIT ?2`,
          )
          .all(after, PAGE),
      );
      for (const row of rows) yield row.key;
      const last = rows.at(-1);
      if (last === undefined || rows.length < PAGE) return;
      after = last.key;
    }
  }

  async reseal(id: string): Promise<ResealOutcome> {
    const table = this.#table;
    const { key, purpose } = SEALED_TABLES[table];
    for (;;) {
      const row = sqliteCall(`read ${table}`, () =>
        this.#db
          .query<{ record: Uint8Array }, [string]>(`SELECT record FROM ${table} WHERE ${key} = ?1`)
          .get(id),
      );
      if (row === null) return "missing";
      const resealed = this.#sealer.reseal(purpose, id, row.record);
      if (resealed === null) return "current";
      const swapped = sqliteCall(`reseal ${table}`, () =>
        this.#db
          .query(`UPDATE ${table} SET record = ?3 WHERE ${key} = ?1 AND record = ?2`)
          .run(id, row.record, resealed),
      );
      if (swapped.changes > 0) return "resealed";
    }
  }
}
