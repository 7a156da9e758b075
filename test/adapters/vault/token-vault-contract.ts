import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { type EncryptionKeys, keyIdHex, keyIdOf } from "../../../src/adapters/vault/encryption-keys.ts";
import { inspectSealedRecord } from "../../../src/adapters/vault/record-sealer.ts";
import type { ResealableVault } from "../../../src/adapters/vault/resealable-vault.ts";
import type { CustomerId } from "../../../src/domain/customer-id.ts";
import type { PendingAuthorizations } from "../../../src/domain/ports/pending-authorizations.ts";
import type { TokenVault } from "../../../src/domain/ports/token-vault.ts";
import { describePendingAuthorizationsContract } from "./pending-authorizations-contract.ts";
import {
  collect,
  contains,
  id,
  newKeys,
  sampleConnection,
  samplePending,
  unreadable,
} from "./vault-fixtures.ts";

export { newKeys, sampleConnection, samplePending } from "./vault-fixtures.ts";

/**
 * What a vault's test file provides so the shared contract can run on it. One harness is one
 * store (a temp directory, a database, a Map); everything it opens shares that store.
 */
export interface TokenVaultHarness {
  /** A vault over this store sealing with `keys`; several (with different keys) may be open at once. */
  openVault(keys: EncryptionKeys): Promise<TokenVault & ResealableVault>;
  /** Pending authorizations over the same store (with the same keys model as openVault). */
  openPendingAuthorizations(keys: EncryptionKeys): Promise<PendingAuthorizations>;
  /** The customer's stored record as kept (the RecordSealer's sealed bytes), or null if none. */
  readRaw(customerId: CustomerId): Promise<Uint8Array | null>;
  /** Store these bytes as the customer's record, bypassing the vault (tamper and swap tests). */
  writeRaw(customerId: CustomerId, raw: Uint8Array): Promise<void>;
  /** Everything the store has persisted so far, by name: every file (WAL included) or every row. */
  storedBytes(): Promise<Array<{ name: string; bytes: Uint8Array }>>;
  /** Close what it opened and remove what it created. */
  cleanup(): Promise<void>;
}

export type MakeTokenVaultHarness = () => Promise<TokenVaultHarness>;

/**
 * The shared TokenVault (+ pending authorizations, + reseal) contract; call once per adapter, and
 * again with webhooks on (`pendingAuthorizations: false`: those do not change with webhooks).
 */
export function describeTokenVaultContract(
  name: string,
  makeHarness: MakeTokenVaultHarness,
  options: { pendingAuthorizations?: boolean } = {},
): void {
  describe(`${name}: TokenVault contract`, () => {
    let harness: TokenVaultHarness;
    let keys: EncryptionKeys;
    let vault: TokenVault & ResealableVault;
    const alice = id("alice");
    const bob = id("Bob:team@example.com");

    beforeEach(async () => {
      harness = await makeHarness();
      keys = newKeys();
      vault = await harness.openVault(keys);
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    test("get of an unknown customer gives null", async () => {
      expect(await vault.get(alice)).toBeNull();
    });

    test("round trip keeps every field, Dates as Dates", async () => {
      const connection = sampleConnection(bob);
      await vault.put(connection);
      const found = await vault.get(bob);
      expect(found).toEqual(connection);
      expect(found?.tokens.expiresAt).toBeInstanceOf(Date);
      expect(found?.tokens.expiresAt.getTime()).toBe(connection.tokens.expiresAt.getTime());
    });

    test("round trip of a reauthorization_required record without refresh token, email or scopes", async () => {
      const base = sampleConnection(alice);
      const connection = sampleConnection(alice, {
        email: null,
        tokens: { ...base.tokens, refreshToken: null, scopes: [] },
        state: {
          kind: "reauthorization_required",
          reason: "invalid_grant",
          since: new Date("2026-02-01T00:00:01Z"),
        },
      });
      await vault.put(connection);
      const found = await vault.get(alice);
      expect(found).toEqual(connection);
      expect(found?.state.kind === "reauthorization_required" && found.state.since).toBeInstanceOf(Date);
    });

    test("a returned connection is a copy", async () => {
      await vault.put(sampleConnection(alice));
      const first = await vault.get(alice);
      if (first === null) throw new Error("expected a connection");
      first.tokens.scopes.push("mutated");
      expect((await vault.get(alice))?.tokens.scopes).not.toContain("mutated");
    });

    test("put replaces the previous record", async () => {
      await vault.put(sampleConnection(alice));
      const newer = sampleConnection(alice, { email: "new@example.com" });
      await vault.put(newer);
      expect(await vault.get(alice)).toEqual(newer);
    });

    test("update replaces an existing record, and never brings back a deleted one", async () => {
      expect(await vault.update(sampleConnection(alice))).toBe(false);
      expect(await vault.get(alice)).toBeNull();
      await vault.put(sampleConnection(alice));
      const newer = sampleConnection(alice, { email: "new@example.com" });
      expect(await vault.update(newer)).toBe(true);
      expect(await vault.get(alice)).toEqual(newer);
      // Another store instance (another process) deletes it: the update writes nothing.
      const other = await harness.openVault(keys);
      expect(await other.delete(alice)).toBe(true);
      expect(await vault.update(sampleConnection(alice, { email: "late@example.com" }))).toBe(false);
      expect(await vault.get(alice)).toBeNull();
      expect(await collect(vault.listCustomerIds())).toEqual([]);
    });

    test("delete says whether a record existed", async () => {
      await vault.put(sampleConnection(alice));
      expect(await vault.delete(alice)).toBe(true);
      expect(await vault.get(alice)).toBeNull();
      expect(await vault.delete(alice)).toBe(false);
      expect(await collect(vault.listCustomerIds())).toEqual([]);
    });

    test("listCustomerIds gives every stored id, ids differing only by case included", async () => {
      for (const customer of [alice, bob, id("ALICE"), id("x.y_z-1")])
        await vault.put(sampleConnection(customer));
      await vault.delete(id("x.y_z-1"));
      expect(await collect(vault.listCustomerIds())).toEqual(
        ["ALICE", "Bob:team@example.com", "alice"].sort(),
      );
    });

    test("listCustomerIds needs no key that opens the records", async () => {
      await vault.put(sampleConnection(alice));
      const stranger = await harness.openVault(newKeys());
      expect(await collect(stranger.listCustomerIds())).toEqual(["alice"]);
    });

    test("every write uses a fresh nonce", async () => {
      const connection = sampleConnection(alice);
      await vault.put(connection);
      const first = await harness.readRaw(alice);
      await vault.put(connection);
      const second = await harness.readRaw(alice);
      expect(first).not.toBeNull();
      expect(Buffer.from(first as Uint8Array).equals(Buffer.from(second as Uint8Array))).toBe(false);
    });

    test("a flipped ciphertext byte makes the record unreadable, without leaking it", async () => {
      const connection = sampleConnection(alice);
      await vault.put(connection);
      const raw = (await harness.readRaw(alice)) as Uint8Array;
      const tampered = Uint8Array.from(raw);
      tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 0x01;
      await harness.writeRaw(alice, tampered);
      const message = await unreadable(vault.get(alice));
      expect(message).not.toContain(connection.tokens.accessToken);
    });

    test("an unknown format version is unreadable", async () => {
      await vault.put(sampleConnection(alice));
      const raw = Uint8Array.from((await harness.readRaw(alice)) as Uint8Array);
      raw[0] = 99;
      await harness.writeRaw(alice, raw);
      await unreadable(vault.get(alice));
    });

    test("a record copied onto another customer is unreadable", async () => {
      await vault.put(sampleConnection(alice));
      await vault.put(sampleConnection(bob));
      await harness.writeRaw(bob, (await harness.readRaw(alice)) as Uint8Array);
      await unreadable(vault.get(bob));
      expect((await vault.get(alice))?.customerId).toBe(alice);
    });

    test("a vault without the sealing key cannot open the record, and names no key", async () => {
      await vault.put(sampleConnection(alice));
      const other = newKeys();
      const message = await unreadable((await harness.openVault(other)).get(alice));
      for (const key of [keys.current, other.current]) {
        expect(message).not.toContain(Buffer.from(key).toString("hex"));
        expect(message).not.toContain(Buffer.from(key).toString("base64"));
      }
    });

    test("a previous key still opens; the next write uses the current key", async () => {
      const connection = sampleConnection(alice);
      await vault.put(connection);
      expect(inspectSealedRecord((await harness.readRaw(alice)) as Uint8Array).keyId).toBe(
        keyIdHex(keyIdOf(keys.current)),
      );
      const rotated = newKeys([keys.current]);
      const rotatedVault = await harness.openVault(rotated);
      expect(await rotatedVault.get(alice)).toEqual(connection);
      await rotatedVault.put({ ...connection, updatedAt: new Date("2026-03-01T00:00:00Z") });
      expect(inspectSealedRecord((await harness.readRaw(alice)) as Uint8Array).keyId).toBe(
        keyIdHex(keyIdOf(rotated.current)),
      );
      const newKeyOnly = await harness.openVault({ current: rotated.current, previous: [] });
      expect((await newKeyOnly.get(alice))?.updatedAt).toEqual(new Date("2026-03-01T00:00:00Z"));
      await unreadable(vault.get(alice));
    });

    test("reseal moves a record to the current key, once", async () => {
      const connection = sampleConnection(alice);
      await vault.put(connection);
      const rotated = newKeys([keys.current]);
      const rotatedVault = await harness.openVault(rotated);
      expect(await rotatedVault.reseal(alice)).toBe("resealed");
      expect(inspectSealedRecord((await harness.readRaw(alice)) as Uint8Array).keyId).toBe(
        keyIdHex(keyIdOf(rotated.current)),
      );
      expect(await rotatedVault.reseal(alice)).toBe("current");
      expect(await rotatedVault.reseal(bob)).toBe("missing");
      const newKeyOnly = await harness.openVault({ current: rotated.current, previous: [] });
      expect(await newKeyOnly.get(alice)).toEqual(connection);
    });

    test("reseal of a record no held key opens is unreadable", async () => {
      await vault.put(sampleConnection(alice));
      await unreadable((await harness.openVault(newKeys())).reseal(alice));
    });

    test("reseal racing puts never brings back the older data", async () => {
      const rotated = newKeys([keys.current]);
      const rotatedVault = await harness.openVault(rotated);
      for (let round = 0; round < 10; round += 1) {
        await vault.put(sampleConnection(alice, { email: "old@example.com" }));
        const newer = sampleConnection(alice, { email: `new-${round}@example.com` });
        const [outcome] = await Promise.all([rotatedVault.reseal(alice), rotatedVault.put(newer)]);
        expect(["resealed", "current"]).toContain(outcome);
        expect(await rotatedVault.get(alice)).toEqual(newer);
      }
    });

    test("no token, verifier or state appears in plaintext in what the store persisted", async () => {
      const connections = [sampleConnection(alice), sampleConnection(bob)];
      for (const connection of connections) await vault.put(connection);
      const pending = samplePending(alice, new Date(Date.now() + 600_000));
      await (await harness.openPendingAuthorizations(keys)).save(pending);
      const stored = await harness.storedBytes();
      // Control: the grep reads the records themselves (the sealed header names the customer in clear).
      expect(stored.some((entry) => contains(entry.bytes, "Bob:team@example.com"))).toBe(true);
      const secrets = [pending.codeVerifier, pending.state];
      for (const { tokens } of connections) secrets.push(tokens.accessToken, tokens.refreshToken as string);
      const leaks = stored.flatMap((entry) =>
        secrets.filter((secret) => contains(entry.bytes, secret)).map(() => entry.name),
      );
      expect(leaks).toEqual([]);
    });

    test("50 concurrent puts to different customers are all readable", async () => {
      const connections = Array.from({ length: 50 }, (_, index) => sampleConnection(id(`customer-${index}`)));
      await Promise.all(connections.map((connection) => vault.put(connection)));
      for (const connection of connections)
        expect(await vault.get(connection.customerId)).toEqual(connection);
      expect((await collect(vault.listCustomerIds())).length).toBe(50);
    });
  });
  if (options.pendingAuthorizations !== false) describePendingAuthorizationsContract(name, makeHarness);
}
