import { describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { sealConnection } from "../../../src/adapters/vault/connection-codec.ts";
import { OpenedConnectionCache } from "../../../src/adapters/vault/opened-connection-cache.ts";
import { RecordSealer } from "../../../src/adapters/vault/record-sealer.ts";
import { openSqliteTokenDatabase } from "../../../src/adapters/vault/sqlite-database.ts";
import { SqliteTokenVault } from "../../../src/adapters/vault/sqlite-token-vault.ts";
import { CountingSealer, id, newKeys, sampleConnection, unreadable } from "./vault-fixtures.ts";

const alice = id("alice");
const bob = id("bob");

describe("OpenedConnectionCache", () => {
  test("the same sealed bytes are opened once; every caller gets its own copy", () => {
    const sealer = new CountingSealer(newKeys());
    const cache = new OpenedConnectionCache();
    const connection = sampleConnection(alice);
    const sealed = sealConnection(sealer, connection);
    const first = cache.open(sealer, alice, sealed);
    const second = cache.open(sealer, alice, Uint8Array.from(sealed));
    expect(sealer.opened).toBe(1);
    expect(first).toEqual(connection);
    expect(second).toEqual(connection);
    first.tokens.scopes.push("changed");
    first.tokens.expiresAt.setTime(0);
    expect(cache.open(sealer, alice, sealed)).toEqual(connection);
    expect(second).not.toBe(first);
  });

  test("other bytes for the customer (any write reseals with a fresh nonce) are opened again", () => {
    const sealer = new CountingSealer(newKeys());
    const cache = new OpenedConnectionCache();
    cache.open(sealer, alice, sealConnection(sealer, sampleConnection(alice)));
    const newer = sampleConnection(alice, { email: "new@example.com" });
    expect(cache.open(sealer, alice, sealConnection(sealer, newer))).toEqual(newer);
    expect(sealer.opened).toBe(2);
  });

  test("bytes that do not open are not remembered, and stay unreadable", async () => {
    const sealer = new CountingSealer(newKeys());
    const cache = new OpenedConnectionCache();
    const sealed = sealConnection(sealer, sampleConnection(alice));
    const tampered = Uint8Array.from(sealed);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    await unreadable(Promise.resolve().then(() => cache.open(sealer, alice, tampered)));
    await unreadable(Promise.resolve().then(() => cache.open(sealer, alice, tampered)));
    expect(cache.size).toBe(0);
    // A record moved onto another customer stays refused, cache or not.
    cache.open(sealer, alice, sealed);
    await unreadable(Promise.resolve().then(() => cache.open(sealer, bob, sealed)));
  });

  test("holds at most maxEntries connections, dropping the oldest", () => {
    const sealer = new CountingSealer(newKeys());
    const cache = new OpenedConnectionCache(2);
    const records = ["a", "b", "c"].map((name) => {
      const connection = sampleConnection(id(name));
      return { customerId: connection.customerId, sealed: sealConnection(sealer, connection) };
    });
    for (const record of records) cache.open(sealer, record.customerId, record.sealed);
    expect(cache.size).toBe(2);
    const [a, , c] = records;
    if (a === undefined || c === undefined) throw new Error("three records");
    cache.open(sealer, c.customerId, c.sealed);
    expect(sealer.opened).toBe(3);
    cache.open(sealer, a.customerId, a.sealed);
    expect(sealer.opened).toBe(4);
  });

  test("a vault never serves a record another process replaced, nor one it deleted", async () => {
    const keys = newKeys();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opened-cache-"));
    const file = path.join(dir, "tokens.db");
    const [ours, theirs] = [openSqliteTokenDatabase(file), openSqliteTokenDatabase(file)];
    const reader = new SqliteTokenVault(ours, new RecordSealer(keys));
    const otherProcess = new SqliteTokenVault(theirs, new RecordSealer(keys));
    await otherProcess.put(sampleConnection(alice));
    await reader.get(alice);
    const refreshed = sampleConnection(alice, { email: "refreshed@example.com" });
    await otherProcess.put(refreshed);
    expect(await reader.get(alice)).toEqual(refreshed);
    await otherProcess.delete(alice);
    expect(await reader.get(alice)).toBeNull();
    ours.close();
    theirs.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
