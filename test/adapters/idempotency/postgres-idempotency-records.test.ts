import { PostgresIdempotencyRecords } from "../../../src/adapters/postgres/postgres-idempotency-records.ts";
import { idempotencyRecordId } from "../../../src/adapters/vault/idempotency-record-codec.ts";
import { RecordSealer } from "../../../src/adapters/vault/record-sealer.ts";
import { SchemaScope } from "../postgres/postgres-fixtures.ts";
import { describeIdempotencyRecordsContract } from "./idempotency-records-contract.ts";

type StoredRow = { name: string; record: Uint8Array };

// Each harness is one schema; every store it opens has its own pools, as separate instances would.
describeIdempotencyRecordsContract("PostgresIdempotencyRecords", async () => {
  const scope = new SchemaScope();
  const table = scope.table("idempotency_records");
  return {
    open: async (keys) => new PostgresIdempotencyRecords(await scope.open(), new RecordSealer(keys)),
    tamper: async (customerId, key) => {
      await scope.admin.unsafe(
        `UPDATE ${table}
         SET record = set_byte(record, length(record) - 1, get_byte(record, length(record) - 1) # 1)
         WHERE record_id = $1`,
        [idempotencyRecordId(customerId, key)],
      );
    },
    // Every row, every column as it is stored.
    storedBytes: async () => {
      const rows = await scope.admin.unsafe<StoredRow[]>(
        `SELECT record_id || '/' || attempt || '/' || state || '/' || updated_at::text AS name, record
         FROM ${table}`,
      );
      return rows.map((row) => ({
        name: row.name,
        bytes: Buffer.concat([Buffer.from(row.name, "utf8"), Buffer.from(row.record)]),
      }));
    },
    cleanup: () => scope.cleanup(),
  };
});
