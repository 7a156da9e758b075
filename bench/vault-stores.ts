import type { Database } from "bun:sqlite";
import * as fs from "node:fs";
import * as path from "node:path";
import { openPostgresDatabase } from "../src/adapters/postgres/postgres-database.ts";
import { sealConnection } from "../src/adapters/vault/connection-codec.ts";
import type { EncryptedFileTokenVault } from "../src/adapters/vault/encrypted-file-token-vault.ts";
import { generateEncryptionKey, parseEncryptionKey } from "../src/adapters/vault/encryption-keys.ts";
import { RecordSealer } from "../src/adapters/vault/record-sealer.ts";
import { openSqliteTokenDatabase } from "../src/adapters/vault/sqlite-database.ts";
import { loadConfig } from "../src/app/config.ts";
import { openStorage, type Storage } from "../src/app/storage.ts";
import { BENCH_CLIENT_ID, BENCH_CLIENT_SECRET } from "./processes.ts";
import { seedSqlite, syntheticConnection, syntheticRange } from "./seed.ts";
import { BENCH_API_KEY } from "./stack.ts";

/** The three token stores section 3 grows, each behind one small interface. */

export type StoreKind = "sqlite" | "encrypted_file" | "postgres";

export interface BenchStore {
  kind: StoreKind;
  /** A directory of its own (the store's files, the server's log). */
  dir: string;
  /** The environment a server process opening this store starts with. */
  env: Record<string, string>;
  /** Add synthetic customers [from, to). */
  seed(from: number, to: number): Promise<void>;
  /** Bytes the store occupies on disk (allocated blocks; PostgreSQL: the table with its index). */
  diskBytes(): Promise<number>;
  /** The store as the server opens it, in this process (for get and put timings). */
  open(): Promise<Storage>;
  /** Remove everything: files, or the dedicated PostgreSQL schema. */
  destroy(): Promise<void>;
}

export const POSTGRES_URL = Bun.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export async function createStore(kind: StoreKind, dir: string): Promise<BenchStore> {
  const key = generateEncryptionKey();
  const sealer = new RecordSealer({ current: parseEncryptionKey(key), previous: [] });
  const base = {
    NODE_ENV: "production",
    CALENDAR_SERVER_API_KEYS: BENCH_API_KEY,
    GOOGLE_OAUTH_CLIENT_ID: BENCH_CLIENT_ID,
    GOOGLE_OAUTH_CLIENT_SECRET: BENCH_CLIENT_SECRET,
    TOKEN_ENCRYPTION_KEY: key,
    CALENDAR_SERVER_DATA_DIR: path.join(dir, "data"),
  };
  const openWith = (env: Record<string, string>) => openStorage(loadConfig(env));
  if (kind === "sqlite") {
    const file = path.join(dir, "tokens.db");
    const env = { ...base, TOKEN_STORAGE_TYPE: "sqlite", TOKEN_DB_PATH: file };
    const db: Database = openSqliteTokenDatabase(file);
    return {
      kind,
      dir,
      env,
      seed: async (from, to) => {
        seedSqlite(db, sealer, syntheticRange(from, to));
      },
      diskBytes: async () => {
        db.run("PRAGMA wal_checkpoint(TRUNCATE)");
        return [file, `${file}-wal`, `${file}-shm`].reduce((sum, name) => sum + allocatedBytes(name), 0);
      },
      open: () => openWith(env),
      destroy: async () => {
        db.close(true);
        fs.rmSync(file, { force: true });
        fs.rmSync(`${file}-wal`, { force: true });
        fs.rmSync(`${file}-shm`, { force: true });
      },
    };
  }
  if (kind === "encrypted_file") {
    const vaultDir = path.join(dir, "vault");
    const env = { ...base, TOKEN_STORAGE_TYPE: "encrypted_file", TOKEN_VAULT_DIR: vaultDir };
    const writer = (await openWith(env)).vault as unknown as EncryptedFileTokenVault;
    return {
      kind,
      dir,
      env,
      // Sealed exactly as put seals; written without put's per-file fsync (synced once at the
      // end), and synchronously: Bun's thread-pooled async writes are slower for tiny files.
      seed: async (from, to) => {
        for (let index = from; index < to; index += 1) {
          const connection = syntheticConnection(index);
          fs.writeFileSync(writer.recordPath(connection.customerId), sealConnection(sealer, connection), {
            mode: 0o600,
          });
        }
        Bun.spawnSync(["sync"]);
      },
      diskBytes: async () => duBytes(vaultDir),
      open: () => openWith(env),
      destroy: async () => {
        await fs.promises.rm(vaultDir, { recursive: true, force: true });
      },
    };
  }
  const schema = `bench_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const env = {
    ...base,
    TOKEN_STORAGE_TYPE: "database",
    TOKEN_DATABASE_URL: POSTGRES_URL,
    TOKEN_DATABASE_SCHEMA: schema,
  };
  // The bench's own connection: creates the dedicated schema, seeds it, measures it, drops it.
  const db = await openPostgresDatabase(POSTGRES_URL, {
    schema,
    maxConnections: 2,
    statementTimeoutMs: 120_000,
  });
  const table = db.table("connections");
  return {
    kind,
    dir,
    env,
    seed: async (from, to) => {
      for (let start = from; start < to; start += 2000) {
        const end = Math.min(to, start + 2000);
        const params: unknown[] = [];
        const rows: string[] = [];
        for (let index = start; index < end; index += 1) {
          const connection = syntheticConnection(index);
          rows.push(`($${params.length + 1}, $${params.length + 2})`);
          params.push(connection.customerId, sealConnection(sealer, connection));
        }
        await db.query("seed", `INSERT INTO ${table} (customer_id, record) VALUES ${rows.join(",")}`, params);
      }
      await db.query("analyze", `VACUUM ANALYZE ${table}`, []);
    },
    diskBytes: async () => {
      const rows = await db.read<{ bytes: string }>(
        "size",
        `SELECT pg_total_relation_size('${table}')::text AS bytes`,
        [],
      );
      return Number(rows[0]?.bytes ?? Number.NaN);
    },
    open: () => openWith(env),
    destroy: async () => {
      await db.query("drop", `DROP SCHEMA "${schema}" CASCADE`, []);
      await db.close();
    },
  };
}

function allocatedBytes(file: string): number {
  try {
    return fs.statSync(file).blocks * 512;
  } catch {
    return 0;
  }
}

/** Allocated bytes of a directory tree, by `du` (a million files are too many to stat from JS). */
function duBytes(dir: string): number {
  const out = Bun.spawnSync(["du", "-s", "-B1", dir]).stdout.toString();
  return Number(out.split(/\s/)[0]);
}
