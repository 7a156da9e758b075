import { afterAll, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PostgresPendingConnections } from "../../../src/adapters/postgres/postgres-pending-connections.ts";
import { EncryptedFilePendingConnections } from "../../../src/adapters/vault/encrypted-file-pending-connections.ts";
import { RecordSealer } from "../../../src/adapters/vault/record-sealer.ts";
import { openSqliteTokenDatabase } from "../../../src/adapters/vault/sqlite-database.ts";
import { SqlitePendingConnections } from "../../../src/adapters/vault/sqlite-pending-connections.ts";
import type { PendingConnection, PendingConnections } from "../../../src/domain/ports/pending-connections.ts";
import { SchemaScope } from "../postgres/postgres-fixtures.ts";
import { id, newKeys } from "./vault-fixtures.ts";

/** Held connections in every durable store: sealed, single use, swept when expired. */

const dirs: string[] = [];
const scopes: SchemaScope[] = [];
afterAll(async () => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  await Promise.all(scopes.map((scope) => scope.cleanup()));
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mcp-calendar-held-"));
  dirs.push(dir);
  return dir;
}

type Open = (
  sealer: RecordSealer,
) => Promise<{ store: PendingConnections; other: PendingConnections; raw: () => Promise<string> }>;

const STORES: [string, Open][] = [
  [
    "SQLite",
    async (sealer) => {
      const file = path.join(tempDir(), "tokens.db");
      const db = openSqliteTokenDatabase(file);
      const other = openSqliteTokenDatabase(file);
      return {
        store: new SqlitePendingConnections(db, sealer),
        other: new SqlitePendingConnections(other, sealer),
        raw: async () => fs.readFileSync(file).toString("latin1"),
      };
    },
  ],
  [
    "files",
    async (sealer) => {
      const dir = tempDir();
      const read = (): string =>
        fs
          .readdirSync(path.join(dir, "held"))
          .map((name) => fs.readFileSync(path.join(dir, "held", name)).toString("latin1"))
          .join("");
      return {
        store: new EncryptedFilePendingConnections({ dir, sealer }),
        other: new EncryptedFilePendingConnections({ dir, sealer }),
        raw: async () => read(),
      };
    },
  ],
  [
    "PostgreSQL",
    async (sealer) => {
      const scope = new SchemaScope();
      scopes.push(scope);
      const [a, b] = [await scope.open(), await scope.open()];
      return {
        store: new PostgresPendingConnections(a, sealer),
        other: new PostgresPendingConnections(b, sealer),
        raw: async () =>
          JSON.stringify(
            await scope.admin.unsafe(
              `SELECT encode(record, 'escape') AS r FROM ${scope.table("pending_connections")}`,
            ),
          ),
      };
    },
  ],
];

function held(expiresAt: Date, email = "ana@example.com"): PendingConnection {
  return {
    connectCode: `code-${crypto.randomUUID()}`,
    customerId: id("alice"),
    expiresAt,
    granted: {
      accessToken: `ya29.held-${crypto.randomUUID()}`,
      refreshToken: `1//held-${crypto.randomUUID()}`,
      expiresAt: new Date("2030-01-01T01:00:00.000Z"),
      scopes: ["openid", "email"],
      email,
      clientId: "held-client.apps.googleusercontent.com",
    },
  };
}

for (const [name, open] of STORES) {
  describe(`${name}: PendingConnections`, () => {
    test("sealed at rest; taken once, across two instances; unknown codes give null", async () => {
      const { store, other, raw } = await open(new RecordSealer(newKeys()));
      const entry = held(new Date(Date.now() + 600_000));
      await store.save(entry);
      const stored = await raw();
      for (const secret of [entry.connectCode, entry.granted.accessToken, entry.granted.refreshToken ?? ""]) {
        expect(stored).not.toContain(secret);
      }
      const takers = await Promise.all(
        Array.from({ length: 6 }, (_, index) => (index % 2 === 0 ? store : other).take(entry.connectCode)),
      );
      expect(takers.filter((taken) => taken !== null)).toEqual([entry]);
      expect(await store.take("no-such-code")).toBeNull();
    });

    test("takeExpired removes and returns only the expired ones", async () => {
      const { store } = await open(new RecordSealer(newKeys()));
      const now = new Date();
      const expired = held(new Date(now.getTime() - 1000), "late@example.com");
      const live = held(new Date(now.getTime() + 60_000));
      await store.save(expired);
      await store.save(live);
      expect(await store.takeExpired(now)).toEqual([expired]);
      expect(await store.takeExpired(now)).toEqual([]);
      expect(await store.take(live.connectCode)).toEqual(live);
    });
  });
}
