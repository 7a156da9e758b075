import { describe, expect, test } from "bun:test";
import { RecordSealer } from "../../../src/adapters/vault/record-sealer.ts";
import { parseCustomerId } from "../../../src/domain/customer-id.ts";
import { InMemoryPendingAuthorizations } from "../../fakes/in-memory-pending-authorizations.ts";
import { InMemoryTokenVault } from "../../fakes/in-memory-token-vault.ts";
import { describeTokenVaultContract, sampleConnection } from "./token-vault-contract.ts";

describeTokenVaultContract("InMemoryTokenVault (sealed)", async () => {
  const records = new Map<string, Uint8Array>();
  // The in-memory pending store keeps no sealed bytes (nothing of it is ever persisted).
  const pending = new InMemoryPendingAuthorizations();
  return {
    openVault: async (keys) => new InMemoryTokenVault(new RecordSealer(keys), records),
    openPendingAuthorizations: async () => pending,
    readRaw: async (customerId) => records.get(customerId) ?? null,
    writeRaw: async (customerId, raw) => {
      records.set(customerId, raw);
    },
    storedBytes: async () => [...records].map(([name, bytes]) => ({ name, bytes })),
    cleanup: async () => {
      records.clear();
    },
  };
});

describe("InMemoryTokenVault without a sealer (domain tests)", () => {
  const alice = parseCustomerId("alice");

  test("keeps plain copies and answers reseal without keys", async () => {
    const vault = new InMemoryTokenVault();
    const connection = sampleConnection(alice);
    await vault.put(connection);
    connection.tokens.scopes.push("changed-after-put");
    expect((await vault.get(alice))?.tokens.scopes).not.toContain("changed-after-put");
    expect(await vault.reseal(alice)).toBe("current");
    expect(await vault.reseal(parseCustomerId("bob"))).toBe("missing");
    const ids: string[] = [];
    for await (const customerId of vault.listCustomerIds()) ids.push(customerId);
    expect(ids).toEqual(["alice"]);
    expect(await vault.delete(alice)).toBe(true);
    expect(await vault.get(alice)).toBeNull();
  });
});
