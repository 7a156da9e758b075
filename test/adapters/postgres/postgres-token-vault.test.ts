import { afterAll, describe, expect, test } from "bun:test";
import { PostgresPendingAuthorizations } from "../../../src/adapters/postgres/postgres-pending-authorizations.ts";
import { PostgresTokenVault } from "../../../src/adapters/postgres/postgres-token-vault.ts";
import { RecordSealer } from "../../../src/adapters/vault/record-sealer.ts";
import { NotificationWebhooks } from "../../../src/adapters/webhooks/notification-webhooks.ts";
import { describeTokenVaultContract, type MakeTokenVaultHarness } from "../vault/token-vault-contract.ts";
import { CountingSealer, id, newKeys, sampleConnection, unreadable } from "../vault/vault-fixtures.ts";
import { SchemaScope } from "./postgres-fixtures.ts";

type StoredRow = { name: string; record: Uint8Array };

// Each harness is one schema; every vault it opens has its own pools, as separate server instances would.
const postgresHarness =
  (webhooks: NotificationWebhooks | null): MakeTokenVaultHarness =>
  async () => {
    const scope = new SchemaScope();
    const connections = scope.table("connections");
    const pending = scope.table("pending_authorizations");
    return {
      openVault: async (keys) =>
        new PostgresTokenVault(
          await scope.open(),
          new RecordSealer(keys),
          webhooks === null ? {} : { webhooks },
        ),
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
  };

describeTokenVaultContract("PostgresTokenVault", postgresHarness(null));
describeTokenVaultContract(
  "PostgresTokenVault (webhooks on)",
  postgresHarness(new NotificationWebhooks({ maxAgeMs: 60_000 })),
  { pendingAuthorizations: false },
);

describe("PostgresTokenVault's opened-record cache, across instances", () => {
  const scope = new SchemaScope();
  afterAll(() => scope.cleanup());
  const alice = id("alice");

  test("a record read again unchanged is not opened again; one another instance replaced or deleted is never served", async () => {
    const keys = newKeys();
    const sealer = new CountingSealer(keys);
    const reader = new PostgresTokenVault(await scope.open(), sealer);
    const otherInstance = new PostgresTokenVault(await scope.open(), new RecordSealer(keys));
    const first = sampleConnection(alice);
    await otherInstance.put(first);
    expect(await reader.get(alice)).toEqual(first);
    expect(await reader.get(alice)).toEqual(first);
    expect(sealer.opened).toBe(1);

    const refreshed = sampleConnection(alice, { email: "refreshed@example.com" });
    await otherInstance.put(refreshed);
    expect(await reader.get(alice)).toEqual(refreshed);
    expect(sealer.opened).toBe(2);

    // What a caller does to its copy stays with it.
    const copy = await reader.get(alice);
    copy?.tokens.scopes.push("changed");
    expect(await reader.get(alice)).toEqual(refreshed);

    await otherInstance.delete(alice);
    expect(await reader.get(alice)).toBeNull();
  });

  test("bytes tampered with in the table after a read are refused, not answered from the cache", async () => {
    const keys = newKeys();
    const reader = new PostgresTokenVault(await scope.open(), new RecordSealer(keys));
    const bob = id("bob");
    await reader.put(sampleConnection(bob));
    await reader.get(bob);
    const table = scope.table("connections");
    await scope.admin.unsafe(
      // The last byte with its lowest bit flipped: always a change, whatever the byte was.
      `UPDATE ${table}
       SET record = set_byte(record, length(record) - 1, get_byte(record, length(record) - 1) # 1)
       WHERE customer_id = $1`,
      [bob],
    );
    await unreadable(reader.get(bob));
  });
});
