import { Database } from "bun:sqlite";
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type EncryptionKeys, keyIdHex, keyIdOf } from "../../../src/adapters/vault/encryption-keys.ts";
import {
  inspectSealedRecord,
  type RecordPurpose,
  RecordSealer,
} from "../../../src/adapters/vault/record-sealer.ts";
import {
  openSqliteTokenDatabase,
  SQLITE_SCHEMA_VERSION,
} from "../../../src/adapters/vault/sqlite-database.ts";
import { SqlitePendingAuthorizations } from "../../../src/adapters/vault/sqlite-pending-authorizations.ts";
import { SqliteTokenVault } from "../../../src/adapters/vault/sqlite-token-vault.ts";
import { NotificationWebhooks } from "../../../src/adapters/webhooks/notification-webhooks.ts";
import { parseCustomerId } from "../../../src/domain/customer-id.ts";
import { isDomainError } from "../../../src/domain/errors.ts";
import { reopenedFromSchema5 } from "./schema-5.ts";
import { filesUnder } from "./stored-files.ts";
import {
  describeTokenVaultContract,
  type MakeTokenVaultHarness,
  newKeys,
  sampleConnection,
  samplePending,
} from "./token-vault-contract.ts";

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "sqlite-vault-"));
}

async function storageUnavailable(work: () => unknown): Promise<void> {
  const error = await Promise.resolve()
    .then(work)
    .then(
      () => null,
      (caught: unknown) => caught,
    );
  expect(isDomainError(error, "storage_unavailable")).toBe(true);
}

const sqliteHarness =
  (webhooks: NotificationWebhooks | null): MakeTokenVaultHarness =>
  async () => {
    const dir = tempDir();
    const file = path.join(dir, "tokens.db");
    // Each vault gets its own connection, as separate server processes would.
    const opened: Database[] = [];
    const open = (): Database => {
      const db = openSqliteTokenDatabase(file);
      opened.push(db);
      return db;
    };
    const raw = open();
    return {
      openVault: async (keys) =>
        new SqliteTokenVault(open(), new RecordSealer(keys), webhooks === null ? {} : { webhooks }),
      openPendingAuthorizations: async (keys) =>
        new SqlitePendingAuthorizations(open(), new RecordSealer(keys)),
      readRaw: async (customerId) =>
        raw
          .query<{ record: Uint8Array }, [string]>("SELECT record FROM connections WHERE customer_id = ?")
          .get(customerId)?.record ?? null,
      writeRaw: async (customerId, record) => {
        raw
          .query("INSERT OR REPLACE INTO connections (customer_id, record) VALUES (?, ?)")
          .run(customerId, record);
      },
      // Read while the connections are open, so the WAL still holds every write.
      storedBytes: async () => filesUnder(dir),
      cleanup: async () => {
        for (const db of opened) db.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  };

describeTokenVaultContract("SqliteTokenVault", sqliteHarness(null));
describeTokenVaultContract(
  "SqliteTokenVault (webhooks on)",
  sqliteHarness(new NotificationWebhooks({ maxAgeMs: 60_000 })),
  { pendingAuthorizations: false },
);

describe("SQLite token database", () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("runs in WAL mode with synchronous=FULL, a busy timeout, and the current schema version", () => {
    const db = openSqliteTokenDatabase(path.join(dir, "t.db"), { busyTimeoutMs: 1234 });
    try {
      expect(db.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
      expect(db.query("PRAGMA synchronous").get()).toEqual({ synchronous: 2 });
      expect(db.query("PRAGMA busy_timeout").get()).toEqual({ timeout: 1234 });
      expect(db.query("PRAGMA user_version").get()).toEqual({ user_version: SQLITE_SCHEMA_VERSION });
    } finally {
      db.close();
    }
  });

  test("connections stored in the WITHOUT ROWID table (schema 5), one over 1 KB, are kept by the move to a rowid table", async () => {
    const file = path.join(dir, "t.db");
    const sealer = new RecordSealer(newKeys());
    const old = openSqliteTokenDatabase(file);
    const alice = parseCustomerId("alice");
    const bob = parseCustomerId("bob");
    // Google's access tokens may be up to 2 KB.
    const long = sampleConnection(bob, {
      tokens: { ...sampleConnection(bob).tokens, accessToken: `ya29.${"a".repeat(2000)}` },
    });
    const connections = [sampleConnection(alice), long];
    for (const connection of connections) await new SqliteTokenVault(old, sealer).put(connection);
    // Back to schema 5: the table as it was, holding those rows.
    const db = reopenedFromSchema5(
      file,
      old,
      "connections",
      `CREATE TABLE old_connections (customer_id TEXT PRIMARY KEY NOT NULL, record BLOB NOT NULL) WITHOUT ROWID;
       INSERT INTO old_connections SELECT customer_id, record FROM connections;
       DROP TABLE connections;
       ALTER TABLE old_connections RENAME TO connections;`,
    );
    try {
      const vault = new SqliteTokenVault(db, sealer);
      expect(await vault.get(alice)).toEqual(connections[0] ?? null);
      expect(await vault.get(bob)).toEqual(long);
      await vault.put({ ...long, email: "bob@elsewhere.example.com" });
      expect(db.query("SELECT count(*) AS n FROM connections").get()).toEqual({ n: 2 });
      expect((await vault.get(bob))?.email).toBe("bob@elsewhere.example.com");
    } finally {
      db.close();
    }
  });

  test("the database and its WAL files are 0600", async () => {
    const file = path.join(dir, "t.db");
    const db = openSqliteTokenDatabase(file);
    try {
      await new SqliteTokenVault(db, new RecordSealer(newKeys())).put(
        sampleConnection(parseCustomerId("alice")),
      );
      const files = fs.readdirSync(dir).sort();
      expect(files).toEqual(["t.db", "t.db-shm", "t.db-wal"]);
      for (const name of files)
        expect(`${name} ${(fs.statSync(path.join(dir, name)).mode & 0o777).toString(8)}`).toBe(`${name} 600`);
    } finally {
      db.close();
    }
  });

  test("reopening keeps the data and does not migrate twice", async () => {
    const file = path.join(dir, "t.db");
    const keys = newKeys();
    const first = openSqliteTokenDatabase(file);
    const connection = sampleConnection(parseCustomerId("alice"));
    await new SqliteTokenVault(first, new RecordSealer(keys)).put(connection);
    first.close();
    const second = openSqliteTokenDatabase(file);
    try {
      expect(await new SqliteTokenVault(second, new RecordSealer(keys)).get(connection.customerId)).toEqual(
        connection,
      );
    } finally {
      second.close();
    }
  });

  test("a database from a newer schema is refused as storage_unavailable", async () => {
    const file = path.join(dir, "t.db");
    const db = new Database(file);
    db.run(`PRAGMA user_version = ${SQLITE_SCHEMA_VERSION + 1}`);
    db.close();
    await storageUnavailable(() => openSqliteTokenDatabase(file));
  });

  test("an unusable path (a directory) is storage_unavailable", async () => {
    await storageUnavailable(() => openSqliteTokenDatabase(dir));
    await storageUnavailable(() => openSqliteTokenDatabase(path.join(dir, "missing", "t.db")));
  });

  test("a write blocked past the busy timeout is storage_unavailable", async () => {
    const file = path.join(dir, "t.db");
    const blocker = openSqliteTokenDatabase(file);
    const db = openSqliteTokenDatabase(file, { busyTimeoutMs: 20 });
    try {
      blocker.run("BEGIN IMMEDIATE");
      const vault = new SqliteTokenVault(db, new RecordSealer(newKeys()));
      await storageUnavailable(() => vault.put(sampleConnection(parseCustomerId("alice"))));
      blocker.run("ROLLBACK");
    } finally {
      blocker.close();
      db.close();
    }
  });

  test("a closed database is storage_unavailable", async () => {
    const db = openSqliteTokenDatabase(path.join(dir, "t.db"));
    const vault = new SqliteTokenVault(db, new RecordSealer(newKeys()));
    // close(true) finalizes our prepared statements; plain close() would leave them usable.
    db.close(true);
    await storageUnavailable(() => vault.get(parseCustomerId("alice")));
  });

  test("pending authorizations are keyed by the state's hash, never the state", async () => {
    const db = openSqliteTokenDatabase(path.join(dir, "t.db"));
    try {
      const pending = samplePending(parseCustomerId("alice"), new Date("2030-01-01T00:00:00Z"));
      await new SqlitePendingAuthorizations(db, new RecordSealer(newKeys())).save(pending);
      const rows = db
        .query<{ state_hash: string; expires_at: number }, []>(
          "SELECT state_hash, expires_at FROM pending_authorizations",
        )
        .all();
      expect(rows).toHaveLength(1);
      expect(rows[0]?.state_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(rows[0]?.expires_at).toBe(pending.expiresAt.getTime());
      for (const entry of filesUnder(dir))
        expect(Buffer.from(entry.bytes).includes(pending.state)).toBe(false);
    } finally {
      db.close();
    }
  });

  test("a pending authorization no held key opens is unreadable, and consumed", async () => {
    const db = openSqliteTokenDatabase(path.join(dir, "t.db"));
    try {
      const pending = samplePending(parseCustomerId("alice"), new Date("2030-01-01T00:00:00Z"));
      await new SqlitePendingAuthorizations(db, new RecordSealer(newKeys())).save(pending);
      const stranger = new SqlitePendingAuthorizations(db, new RecordSealer(newKeys()));
      const error = await stranger.take(pending.state).catch((caught: unknown) => caught);
      expect(isDomainError(error, "record_unreadable")).toBe(true);
      expect(await stranger.take(pending.state)).toBeNull();
    } finally {
      db.close();
    }
  });

  test("reseal loses a race to another process's put instead of overwriting it", async () => {
    const file = path.join(dir, "t.db");
    const old = newKeys();
    const rotated: EncryptionKeys = { current: newKeys().current, previous: [old.current] };
    const alice = parseCustomerId("alice");
    const serverDb = openSqliteTokenDatabase(file);
    const cliDb = openSqliteTokenDatabase(file);
    try {
      const server = new SqliteTokenVault(serverDb, new RecordSealer(rotated));
      await new SqliteTokenVault(serverDb, new RecordSealer(old)).put(sampleConnection(alice));
      const newer = sampleConnection(alice, { email: "newer@example.com" });
      // The server's put lands after the CLI read the old record and while it seals the new one.
      const cli = new SqliteTokenVault(cliDb, new InterferingSealer(rotated, () => void server.put(newer)));
      expect(await cli.reseal(alice)).toBe("current");
      expect(await server.get(alice)).toEqual(newer);
      const raw = cliDb.query<{ record: Uint8Array }, []>("SELECT record FROM connections").get();
      expect(inspectSealedRecord(raw?.record as Uint8Array).keyId).toBe(keyIdHex(keyIdOf(rotated.current)));
    } finally {
      serverDb.close();
      cliDb.close();
    }
  });
});

/** Runs `interfere` once, just before its first seal: a deterministic point inside reseal. */
class InterferingSealer extends RecordSealer {
  #interfere: (() => void) | null;

  constructor(keys: EncryptionKeys, interfere: () => void) {
    super(keys);
    this.#interfere = interfere;
  }

  override seal(purpose: RecordPurpose, binding: string, plaintext: Uint8Array): Uint8Array {
    const interfere = this.#interfere;
    this.#interfere = null;
    interfere?.();
    return super.seal(purpose, binding, plaintext);
  }
}
