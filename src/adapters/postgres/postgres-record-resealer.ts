import type { RecordSealer } from "../vault/record-sealer.ts";
import { type ResealableRecords, SEALED_TABLES, type SealedTable } from "../vault/resealable-records.ts";
import type { ResealOutcome } from "../vault/resealable-vault.ts";
import type { PostgresDatabase } from "./postgres-database.ts";

const PAGE = 500;

/**
 * Key rotation for one table of the shared database. The reseal is a compare-and-swap on the
 * exact bytes it opened, so a write racing it from any instance wins, and the reseal looks again.
 */
export class PostgresRecordResealer implements ResealableRecords {
  readonly #db: PostgresDatabase;
  readonly #sealer: RecordSealer;
  readonly #table: SealedTable;
  readonly #qualified: string;

  constructor(db: PostgresDatabase, sealer: RecordSealer, table: SealedTable) {
    this.#db = db;
    this.#sealer = sealer;
    this.#table = table;
    this.#qualified = db.table(table);
  }

  /** Pages by key (collation "C"), so a long walk holds no transaction or cursor open. */
  async *keys(): AsyncIterable<string> {
    const { key } = SEALED_TABLES[this.#table];
    let after = "";
    for (;;) {
      const rows = await this.#db.read<{ key: string }>(
        `list ${this.#table}`,
        `SELECT ${key} AS key FROM ${this.#qualified} WHERE ${key} > $1 ORDER BY ${key} LIMIT $2`,
        [after, PAGE],
      );
      for (const row of rows) yield row.key;
      const last = rows.at(-1);
      if (last === undefined || rows.length < PAGE) return;
      after = last.key;
    }
  }

  async reseal(id: string): Promise<ResealOutcome> {
    const { key, purpose } = SEALED_TABLES[this.#table];
    for (;;) {
      const [row] = await this.#db.read<{ record: Uint8Array }>(
        `read ${this.#table}`,
        `SELECT record FROM ${this.#qualified} WHERE ${key} = $1`,
        [id],
      );
      if (row === undefined) return "missing";
      const resealed = this.#sealer.reseal(purpose, id, row.record);
      if (resealed === null) return "current";
      const swapped = await this.#db.query(
        `reseal ${this.#table}`,
        `UPDATE ${this.#qualified} SET record = $3 WHERE ${key} = $1 AND record = $2`,
        [id, row.record, resealed],
      );
      if (swapped.affectedRows > 0) return "resealed";
    }
  }
}
