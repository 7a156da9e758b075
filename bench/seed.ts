import type { Database } from "bun:sqlite";
import { sealConnection } from "../src/adapters/vault/connection-codec.ts";
import type { RecordSealer } from "../src/adapters/vault/record-sealer.ts";
import { DEFAULT_SCOPES } from "../src/app/config.ts";
import type { Connection } from "../src/domain/connection.ts";
import type { CustomerId } from "../src/domain/customer-id.ts";
import type { BenchGrant } from "./emulator-process.ts";
import { BENCH_CLIENT_ID } from "./processes.ts";

/**
 * Putting customers in a store quickly. Records are sealed by the vault's own codec and sealer,
 * exactly as `put` would store them; only the writing is batched (one transaction per chunk
 * instead of one fsync per customer), which changes nothing in what ends up stored.
 */

export interface SeededCustomer {
  customerId: CustomerId;
  email: string;
  accessToken: string;
}

const CHUNK = 5000;

/** The connection a completed consent leaves behind. */
export function connectionFrom(customerId: CustomerId, grant: BenchGrant, expiresAt?: Date): Connection {
  const now = new Date();
  return {
    customerId,
    email: grant.email,
    tokens: {
      accessToken: grant.accessToken,
      refreshToken: grant.refreshToken,
      expiresAt: expiresAt ?? new Date(grant.expiresAt),
      scopes: grant.scopes,
    },
    state: { kind: "connected" },
    connectedAt: now,
    updatedAt: now,
    oauthClientId: BENCH_CLIENT_ID,
  };
}

/** A customer whose tokens no Google knows: enough for a store that is only read and written. */
export function syntheticConnection(index: number): Connection {
  const now = new Date();
  const tag = index.toString(36).padStart(6, "0");
  return {
    customerId: syntheticId(index),
    email: `customer-${tag}@example.com`,
    tokens: {
      // Google's shapes and lengths, so records are as large as real ones.
      accessToken: `ya29.a0${tag}${"A".repeat(154)}`,
      refreshToken: `1//0${tag}${"B".repeat(92)}`,
      expiresAt: new Date(now.getTime() + 3_599_000),
      scopes: DEFAULT_SCOPES,
    },
    state: { kind: "connected" },
    connectedAt: now,
    updatedAt: now,
    oauthClientId: BENCH_CLIENT_ID,
  };
}

export function syntheticId(index: number): CustomerId {
  return `cust-${index.toString().padStart(8, "0")}` as CustomerId;
}

/** Upsert sealed connections into an opened token database (schema of openSqliteTokenDatabase). */
export function seedSqlite(db: Database, sealer: RecordSealer, connections: Iterable<Connection>): number {
  const upsert = db.prepare<unknown, [string, Uint8Array]>(
    `INSERT INTO connections (customer_id, record) VALUES (?1, ?2)
     ON CONFLICT (customer_id) DO UPDATE SET record = excluded.record`,
  );
  let batch: Connection[] = [];
  let written = 0;
  const flush = db.transaction((rows: Connection[]) => {
    for (const connection of rows) upsert.run(connection.customerId, sealConnection(sealer, connection));
  });
  for (const connection of connections) {
    batch.push(connection);
    if (batch.length === CHUNK) {
      flush(batch);
      written += batch.length;
      batch = [];
    }
  }
  flush(batch);
  written += batch.length;
  upsert.finalize();
  return written;
}

/** Synthetic customers [from, to) as a lazy sequence, so a million never sit in memory at once. */
export function* syntheticRange(from: number, to: number): Generator<Connection> {
  for (let index = from; index < to; index += 1) yield syntheticConnection(index);
}
