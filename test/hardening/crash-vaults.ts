import type { Database } from "bun:sqlite";
import { openPostgresDatabase } from "../../src/adapters/postgres/postgres-database.ts";
import { PostgresTokenVault } from "../../src/adapters/postgres/postgres-token-vault.ts";
import { EncryptedFileTokenVault } from "../../src/adapters/vault/encrypted-file-token-vault.ts";
import { parseEncryptionKey } from "../../src/adapters/vault/encryption-keys.ts";
import { RecordSealer } from "../../src/adapters/vault/record-sealer.ts";
import { openSqliteTokenDatabase } from "../../src/adapters/vault/sqlite-database.ts";
import { SqliteTokenVault } from "../../src/adapters/vault/sqlite-token-vault.ts";
import type { Connection } from "../../src/domain/connection.ts";
import { parseCustomerId } from "../../src/domain/customer-id.ts";
import type { TokenVault } from "../../src/domain/ports/token-vault.ts";

/** What the crash test's writer and its checker share: where the vault is, and what write n holds. */

export type CrashVaultKind = "sqlite" | "encrypted_file" | "postgres";

export interface CrashVaultPlace {
  kind: CrashVaultKind;
  /** The SQLite file, the vault directory, or the PostgreSQL URL. */
  location: string;
  /** The PostgreSQL schema (ignored otherwise). */
  schema: string;
  /** The sealing key, hex. */
  keyHex: string;
}

/** Writes cycle over this many customers, so most writes replace a record that exists. */
export const CUSTOMERS = 250;
const BASE_TIME = Date.parse("2026-01-15T10:00:00Z");

export function customerOf(write: number): string {
  return `crash-${write % CUSTOMERS}`;
}

/** Write number `n`: every field says n, so a record that mixes two writes cannot pass. */
export function connectionOf(write: number): Connection {
  return {
    customerId: parseCustomerId(customerOf(write)),
    email: `writer-${write}@example.com`,
    tokens: {
      accessToken: `access-${write}-${"a".repeat(write % 97)}`,
      refreshToken: `refresh-${write}`,
      expiresAt: new Date(BASE_TIME + write * 1000),
      scopes: ["openid", `scope-${write}`],
    },
    state: { kind: "connected" },
    connectedAt: new Date(BASE_TIME),
    updatedAt: new Date(BASE_TIME + write * 1000),
    oauthClientId: `client-${write}.apps.googleusercontent.com`,
  };
}

/** The write a stored record holds, or an explanation of why it is not one of ours, whole. */
export function writeHeldBy(connection: Connection): number | string {
  const write = Number(connection.tokens.refreshToken?.slice("refresh-".length));
  if (!Number.isSafeInteger(write)) return `unreadable refresh token in ${connection.customerId}`;
  const expected = connectionOf(write);
  const same = JSON.stringify(connection) === JSON.stringify(expected);
  return same ? write : `record of ${connection.customerId} mixes write ${write} with another`;
}

export interface OpenedCrashVault {
  vault: TokenVault;
  /** SQLite only: the database, for its integrity check. */
  db: Database | null;
  close(): Promise<void>;
}

/** Open the vault as a restarted server would (the file vault cleans up behind a dead writer here). */
export async function openCrashVault(place: CrashVaultPlace): Promise<OpenedCrashVault> {
  const sealer = new RecordSealer({ current: parseEncryptionKey(place.keyHex), previous: [] });
  switch (place.kind) {
    case "sqlite": {
      const db = openSqliteTokenDatabase(place.location);
      return { vault: new SqliteTokenVault(db, sealer), db, close: async () => db.close(true) };
    }
    case "encrypted_file":
      return {
        vault: new EncryptedFileTokenVault({ dir: place.location, sealer }),
        db: null,
        close: async () => {},
      };
    case "postgres": {
      const db = await openPostgresDatabase(place.location, {
        schema: place.schema,
        maxConnections: 4,
        maxLockConnections: 1,
      });
      return { vault: new PostgresTokenVault(db, sealer), db: null, close: () => db.close() };
    }
  }
}
