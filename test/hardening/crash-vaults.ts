import type { Database } from "bun:sqlite";
import * as path from "node:path";
import { openPostgresDatabase } from "../../src/adapters/postgres/postgres-database.ts";
import { PostgresTokenVault } from "../../src/adapters/postgres/postgres-token-vault.ts";
import { EncryptedFileTokenVault } from "../../src/adapters/vault/encrypted-file-token-vault.ts";
import { parseEncryptionKey } from "../../src/adapters/vault/encryption-keys.ts";
import { RecordSealer } from "../../src/adapters/vault/record-sealer.ts";
import { openSqliteTokenDatabase } from "../../src/adapters/vault/sqlite-database.ts";
import { SqliteTokenVault } from "../../src/adapters/vault/sqlite-token-vault.ts";
import { FileWebhookOutbox } from "../../src/adapters/webhooks/file-webhook-outbox.ts";
import { NotificationWebhooks } from "../../src/adapters/webhooks/notification-webhooks.ts";
import { PostgresWebhookOutbox } from "../../src/adapters/webhooks/postgres-webhook-outbox.ts";
import { SqliteWebhookOutbox } from "../../src/adapters/webhooks/sqlite-webhook-outbox.ts";
import type { WebhookOutbox } from "../../src/adapters/webhooks/webhook-outbox.ts";
import type { Connection } from "../../src/domain/connection.ts";
import { parseCustomerId } from "../../src/domain/customer-id.ts";
import type { Notification } from "../../src/domain/notification.ts";
import type { TokenVault } from "../../src/domain/ports/token-vault.ts";
import { adminClient } from "../adapters/postgres/postgres-fixtures.ts";

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

/** What the backend is told of write `n` (with webhooks on): its account names the write. */
export function notificationOf(write: number): Notification {
  const connection = connectionOf(write);
  return {
    type: "connection.connected",
    customerId: connection.customerId,
    occurredAt: connection.connectedAt,
    email: connection.email,
    scopes: connection.tokens.scopes,
  };
}

/** The write a webhook body (of notificationOf) tells of. */
export function writeToldBy(body: string): number {
  const email = (JSON.parse(body) as { data: { email: string } }).data.email;
  return Number(email.slice("writer-".length, email.indexOf("@")));
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
  /** The store's webhook outbox. */
  outbox: WebhookOutbox;
  /** SQLite only: the database, for its integrity check. */
  db: Database | null;
  close(): Promise<void>;
}

/**
 * Open the vault as a restarted server would (the file vault cleans up behind a dead writer here),
 * with webhooks on when `webhooks` is true.
 */
export async function openCrashVault(place: CrashVaultPlace, webhooks = false): Promise<OpenedCrashVault> {
  const sealer = new RecordSealer({ current: parseEncryptionKey(place.keyHex), previous: [] });
  const on = webhooks ? { webhooks: new NotificationWebhooks({ maxAgeMs: 3_600_000 }) } : {};
  switch (place.kind) {
    case "sqlite": {
      const db = openSqliteTokenDatabase(place.location);
      return {
        vault: new SqliteTokenVault(db, sealer, on),
        outbox: new SqliteWebhookOutbox(db, sealer),
        db,
        close: async () => db.close(true),
      };
    }
    case "encrypted_file":
      return {
        vault: new EncryptedFileTokenVault({ dir: place.location, sealer, ...on }),
        outbox: new FileWebhookOutbox({ dir: place.location, sealer }),
        db: null,
        close: async () => {},
      };
    case "postgres": {
      const db = await openPostgresDatabase(place.location, {
        schema: place.schema,
        maxConnections: 4,
        maxLockConnections: 1,
      });
      return {
        vault: new PostgresTokenVault(db, sealer, on),
        outbox: new PostgresWebhookOutbox(db, sealer),
        db: null,
        close: () => db.close(),
      };
    }
  }
}

const WRITER = path.join(import.meta.dir, "vault-writer.ts");

export interface WriterRun {
  from: number;
  count: number;
  concurrency: number;
  /** SIGKILL once this many writes are reported. */
  killAfter: number;
  /** Webhooks on: each put carries its notification. */
  notify?: boolean;
}

export interface Round {
  written: number[];
  killed: boolean;
}

/** Run the writer (vault-writer.ts) until it has reported `killAfter` writes, then SIGKILL it; every reported write. */
export async function writeThenKill(place: CrashVaultPlace, run: WriterRun): Promise<Round> {
  const child = Bun.spawn(
    [
      "bun",
      WRITER,
      JSON.stringify(place),
      String(run.from),
      String(run.count),
      String(run.concurrency),
      run.notify === true ? "notify" : "",
    ],
    {
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  const written: number[] = [];
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of child.stdout) {
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.startsWith("written ")) continue;
      written.push(Number(line.slice("written ".length)));
      if (written.length === run.killAfter) child.kill("SIGKILL");
    }
  }
  await child.exited;
  const stderr = await new Response(child.stderr).text();
  if (child.signalCode !== "SIGKILL" && child.exitCode !== 0) throw new Error(`writer failed: ${stderr}`);
  return { written, killed: child.signalCode === "SIGKILL" };
}

export async function postgresWorks(): Promise<boolean> {
  const admin = adminClient();
  try {
    await admin`SELECT 1`;
    return true;
  } catch {
    return false;
  } finally {
    await admin.close().catch(() => undefined);
  }
}
