import type { Database } from "bun:sqlite";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EncryptedFileIdempotencyRecords } from "../../../src/adapters/vault/encrypted-file-idempotency-records.ts";
import { idempotencyRecordId } from "../../../src/adapters/vault/idempotency-record-codec.ts";
import { RecordSealer } from "../../../src/adapters/vault/record-sealer.ts";
import { openSqliteTokenDatabase } from "../../../src/adapters/vault/sqlite-database.ts";
import { SqliteIdempotencyRecords } from "../../../src/adapters/vault/sqlite-idempotency-records.ts";
import type { IdempotencyRecord } from "../../../src/domain/ports/idempotency-records.ts";
import { InMemoryIdempotencyRecords } from "../../fakes/in-memory-idempotency-records.ts";
import { filesUnder } from "../vault/stored-files.ts";
import { newKeys } from "../vault/vault-fixtures.ts";
import { flipLastByte } from "./idempotency-fixtures.ts";
import { describeIdempotencyRecordsContract } from "./idempotency-records-contract.ts";

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "idempotency-"));
}

describeIdempotencyRecordsContract("InMemoryIdempotencyRecords (sealed)", async () => {
  const records = new Map<string, IdempotencyRecord | Uint8Array>();
  return {
    open: async (keys) => new InMemoryIdempotencyRecords(new RecordSealer(keys), records),
    tamper: async (customerId, key) => {
      const id = idempotencyRecordId(customerId, key);
      records.set(id, flipLastByte(records.get(id) as Uint8Array));
    },
    storedBytes: async () =>
      [...records].map(([name, value]) => ({
        name,
        bytes: value instanceof Uint8Array ? value : new TextEncoder().encode(JSON.stringify(value)),
      })),
    cleanup: async () => {
      records.clear();
    },
  };
});

describeIdempotencyRecordsContract("SqliteIdempotencyRecords", async () => {
  const dir = tempDir();
  const file = path.join(dir, "tokens.db");
  // Each store gets its own connection, as separate server processes would.
  const opened: Database[] = [];
  const open = (): Database => {
    const db = openSqliteTokenDatabase(file);
    opened.push(db);
    return db;
  };
  const raw = open();
  return {
    open: async (keys) => new SqliteIdempotencyRecords(open(), new RecordSealer(keys)),
    tamper: async (customerId, key) => {
      const id = idempotencyRecordId(customerId, key);
      const row = raw
        .query<{ record: Uint8Array }, [string]>("SELECT record FROM idempotency_records WHERE record_id = ?")
        .get(id);
      raw
        .query("UPDATE idempotency_records SET record = ? WHERE record_id = ?")
        .run(flipLastByte(row?.record as Uint8Array), id);
    },
    // Read while the connections are open, so the WAL still holds every write.
    storedBytes: async () => filesUnder(dir),
    cleanup: async () => {
      for (const db of opened) db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

describeIdempotencyRecordsContract("EncryptedFileIdempotencyRecords", async () => {
  const root = tempDir();
  const dir = path.join(root, "vault");
  const paths = new EncryptedFileIdempotencyRecords({ dir, sealer: new RecordSealer(newKeys()) });
  return {
    open: async (keys) => new EncryptedFileIdempotencyRecords({ dir, sealer: new RecordSealer(keys) }),
    tamper: async (customerId, key) => {
      const file = paths.recordPath({ customerId, key });
      fs.writeFileSync(file, flipLastByte(new Uint8Array(fs.readFileSync(file))));
    },
    storedBytes: async () => filesUnder(root),
    cleanup: async () => {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
});
