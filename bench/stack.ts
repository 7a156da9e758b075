import type { Database } from "bun:sqlite";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generateEncryptionKey, parseEncryptionKey } from "../src/adapters/vault/encryption-keys.ts";
import { RecordSealer } from "../src/adapters/vault/record-sealer.ts";
import { openSqliteTokenDatabase } from "../src/adapters/vault/sqlite-database.ts";
import type { CustomerId } from "../src/domain/customer-id.ts";
import { McpTarget } from "./mcp-client.ts";
import {
  BENCH_CLIENT_ID,
  BENCH_CLIENT_SECRET,
  type EmulatorProcess,
  type ServerProcess,
  startEmulatorProcess,
  startServerProcess,
} from "./processes.ts";
import { connectionFrom, type SeededCustomer, seedSqlite } from "./seed.ts";

export const BENCH_API_KEY = "bench-api-key-0123456789abcdef";

export type ServerKind = "ours" | "naive";

const SCRIPTS: Record<ServerKind, string> = {
  ours: "src/app/main.ts",
  naive: "bench/naive-server.ts",
};

/** One emulator process, one SQLite token store, and servers started on demand over them. */
export interface Stack {
  dir: string;
  emulator: EmulatorProcess;
  sealer: RecordSealer;
  /** Give customers a Google grant and store their connection (expired when `expired`). */
  connect(customerIds: string[], options?: { expired?: boolean }): Promise<SeededCustomer[]>;
  /** Store every given customer's connection again with an access token that has expired. */
  expire(customers: SeededCustomer[]): void;
  /** `env` is added to serverEnv() (e.g. GOOGLE_CALENDAR_BACKEND=mcp). */
  start(kind: ServerKind, env?: Record<string, string>): Promise<RunningTarget>;
  /** The environment a server over this stack's store and emulator is started with. */
  serverEnv(extra?: Record<string, string>): Record<string, string>;
  stop(): Promise<void>;
}

export interface RunningTarget {
  process: ServerProcess;
  mcp: McpTarget;
}

export async function startStack(): Promise<Stack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mcp-calendar-bench-"));
  const emulator = await startEmulatorProcess();
  const keyText = generateEncryptionKey();
  const sealer = new RecordSealer({ current: parseEncryptionKey(keyText), previous: [] });
  const sqlitePath = path.join(dir, "tokens.db");
  const db: Database = openSqliteTokenDatabase(sqlitePath);
  const grantsById = new Map<string, Awaited<ReturnType<EmulatorProcess["grants"]>>[number]>();
  const running: ServerProcess[] = [];

  const serverEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
    // As deployed: production configuration rules, and Bun.serve out of development mode.
    NODE_ENV: "production",
    CALENDAR_SERVER_API_KEYS: BENCH_API_KEY,
    GOOGLE_OAUTH_CLIENT_ID: BENCH_CLIENT_ID,
    GOOGLE_OAUTH_CLIENT_SECRET: BENCH_CLIENT_SECRET,
    GOOGLE_OAUTH_AUTH_URL: `${emulator.url}/o/oauth2/v2/auth`,
    GOOGLE_OAUTH_TOKEN_URL: `${emulator.url}/token`,
    GOOGLE_OAUTH_REVOKE_URL: `${emulator.url}/revoke`,
    GOOGLE_CALENDAR_API_URL: `${emulator.url}/`,
    TOKEN_STORAGE_TYPE: "sqlite",
    TOKEN_DB_PATH: sqlitePath,
    TOKEN_ENCRYPTION_KEY: keyText,
    CALENDAR_SERVER_DATA_DIR: path.join(dir, "data"),
    // A load generator is one API key hammering a few customers: budgets far above what any run
    // spends, so the limiters still run on every call but never refuse one.
    CALENDAR_SERVER_RATE_LIMIT_PER_CUSTOMER: "1000000",
    CALENDAR_SERVER_RATE_LIMIT_PER_API_KEY: "10000000",
    CALENDAR_SERVER_RATE_LIMIT_OAUTH: "0",
    ...extra,
  });

  return {
    dir,
    emulator,
    sealer,
    serverEnv,
    async connect(customerIds, options = {}) {
      const emails = customerIds.map((id) => `${id.toLowerCase()}@bench.example.com`);
      const grants = await emulator.grants(emails);
      const expiredAt = options.expired === true ? new Date(Date.now() - 60_000) : undefined;
      const connections = customerIds.map((id, index) => {
        const grant = grants[index];
        if (grant === undefined) throw new Error("the emulator minted fewer grants than asked");
        grantsById.set(id, grant);
        return connectionFrom(id as CustomerId, grant, expiredAt);
      });
      seedSqlite(db, sealer, connections);
      return connections.map((connection) => ({
        customerId: connection.customerId,
        email: connection.email ?? "",
        accessToken: connection.tokens.accessToken,
      }));
    },
    expire(customers) {
      const past = new Date(Date.now() - 60_000);
      seedSqlite(
        db,
        sealer,
        customers.map((customer) => {
          const grant = grantsById.get(customer.customerId);
          if (grant === undefined) throw new Error(`${customer.customerId} was never connected`);
          return connectionFrom(customer.customerId, grant, past);
        }),
      );
    },
    async start(kind, env = {}) {
      const server = await startServerProcess(
        SCRIPTS[kind],
        serverEnv(env),
        path.join(dir, `${kind}-server.log`),
      );
      running.push(server);
      return { process: server, mcp: new McpTarget(server.url, BENCH_API_KEY) };
    },
    async stop() {
      await Promise.all(running.map((server) => server.stop()));
      await emulator.stop();
      db.close(true);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
