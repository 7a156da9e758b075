import { PostgresPendingAuthorizations } from "../../../src/adapters/postgres/postgres-pending-authorizations.ts";
import { PostgresTokenVault } from "../../../src/adapters/postgres/postgres-token-vault.ts";
import { RecordSealer } from "../../../src/adapters/vault/record-sealer.ts";
import { describeTokenVaultContract } from "../vault/token-vault-contract.ts";
import { SchemaScope } from "./postgres-fixtures.ts";

type StoredRow = { name: string; record: Uint8Array };

// Each harness is one schema; every vault it opens has its own pools, as separate server instances would.
describeTokenVaultContract("PostgresTokenVault", async () => {
  const scope = new SchemaScope();
  const connections = scope.table("connections");
  const pending = scope.table("pending_authorizations");
  return {
    openVault: async (keys) => new PostgresTokenVault(await scope.open(), new RecordSealer(keys)),
    openPendingAuthorizations: async (keys) =>
      new PostgresPendingAuthorizations(await scope.open(), new RecordSealer(keys)),
    readRaw: async (customerId) => {
      const rows = await scope.admin.unsafe<StoredRow[]>(
        `SELECT record FROM ${connections} WHERE customer_id = $1`,
        [customerId],
      );
      return rows[0]?.record ?? null;
    },
    writeRaw: async (customerId, record) => {
      await scope.admin.unsafe(
        `INSERT INTO ${connections} (customer_id, record) VALUES ($1, $2)
         ON CONFLICT (customer_id) DO UPDATE SET record = excluded.record`,
        [customerId, record],
      );
    },
    // Every row of both tables, every column as it is stored.
    storedBytes: async () => {
      const rows = await scope.admin.unsafe<StoredRow[]>(
        `SELECT 'connections/' || customer_id || '/' || updated_at::text AS name, record FROM ${connections}
         UNION ALL
         SELECT 'pending_authorizations/' || state_hash || '/' || expires_at::text, record FROM ${pending}`,
      );
      return rows.map((row) => ({
        name: row.name,
        bytes: Buffer.concat([Buffer.from(row.name, "utf8"), Buffer.from(row.record)]),
      }));
    },
    cleanup: () => scope.cleanup(),
  };
});
