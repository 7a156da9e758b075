import { describe, expect, test } from "bun:test";
import * as path from "node:path";
import { RecordSealer } from "../../../src/adapters/vault/record-sealer.ts";
import { openSqliteTokenDatabase } from "../../../src/adapters/vault/sqlite-database.ts";
import { SqliteTokenVault } from "../../../src/adapters/vault/sqlite-token-vault.ts";
import { writeSandboxRecord } from "../../../src/app/cli/sandbox-record.ts";
import type { Connection } from "../../../src/domain/connection.ts";
import {
  DEVELOPMENT_KEY_FILE,
  developmentEncryptionKey,
} from "../../../tools/sandbox/development-secrets.ts";
import {
  connection,
  expectNoSecrets,
  newKey,
  runCli,
  secretsOf,
  storeEnv,
  useTempDir,
  withStorage,
} from "./cli-fixtures.ts";

const tempDir = useTempDir();

/** Three customers in SQLite: connected, revoked at Google, and one sealed with a key we do not hold. */
async function seeded(): Promise<{ env: Record<string, string>; connections: Connection[]; key: string }> {
  const dir = tempDir();
  const key = newKey();
  const env = storeEnv(dir, key);
  const connections = [
    connection("alice"),
    connection("bob-7", {
      email: "bob@example.com",
      state: {
        kind: "reauthorization_required",
        reason: "invalid_grant",
        since: new Date("2026-02-10T00:00:00Z"),
      },
    }),
  ];
  await withStorage(env, "sqlite", async ({ vault }) => {
    for (const c of connections) await vault.put(c);
  });
  const stranger = connection("zed");
  await withStorage(storeEnv(dir, newKey()), "sqlite", ({ vault }) => vault.put(stranger));
  return { env, connections: [...connections, stranger], key };
}

describe("cli: list and status", () => {
  test("list prints one row per customer with state, email and expiry, and no secret", async () => {
    const { env, connections, key } = await seeded();
    const run = await runCli(["list"], env);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^CUSTOMER\s+STATE\s+EMAIL\s+TOKEN EXPIRES$/);
    expect(lines[1]).toMatch(/^alice\s+connected\s+alice@example.com\s+2026-03-01T12:00:00.000Z$/);
    expect(lines[2]).toMatch(/^bob-7\s+needs reauthorization\s+bob@example.com\s+2026-03-01T12:00:00.000Z$/);
    expect(lines[3]).toMatch(/^zed\s+unreadable \(no configured key opens it\)\s+-\s+-$/);
    expect(lines).toHaveLength(4);
    expectNoSecrets(run, secretsOf(connections, [key]));
  });

  test("list --json gives the same facts as data", async () => {
    const { env, connections, key } = await seeded();
    const run = await runCli(["list", "--json"], env);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      {
        customer_id: "alice",
        state: "connected",
        oauth_client: "current",
        email: "alice@example.com",
        token_expires_at: "2026-03-01T12:00:00.000Z",
        scopes: ["openid", "email", "https://www.googleapis.com/auth/calendar.events"],
        connected_at: "2026-02-01T09:00:00.000Z",
      },
      expect.objectContaining({ customer_id: "bob-7", state: "reauthorization_required" }),
      {
        customer_id: "zed",
        state: "unreadable",
        oauth_client: null,
        email: null,
        token_expires_at: null,
        scopes: [],
        connected_at: null,
      },
    ]);
    expectNoSecrets(run, secretsOf(connections, [key]));
  });

  test("status shows one customer, as text or JSON; unknown customers are not connected", async () => {
    const { env, connections, key } = await seeded();
    const text = await runCli(["status", "bob-7"], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/customer\s+bob-7\n/);
    expect(text.stdout).toMatch(/state\s+needs reauthorization\n/);
    expect(text.stdout).toMatch(/email\s+bob@example.com\n/);
    expect(text.stdout).toMatch(
      /scopes\s+openid email https:\/\/www.googleapis.com\/auth\/calendar.events\n/,
    );
    const json = await runCli(["status", "alice", "--json"], env);
    expect(JSON.parse(json.stdout)).toMatchObject({
      customer_id: "alice",
      state: "connected",
      email: "alice@example.com",
    });
    const nobody = await runCli(["status", "nobody", "--json"], env);
    expect(nobody.code).toBe(0);
    expect(JSON.parse(nobody.stdout)).toMatchObject({
      customer_id: "nobody",
      state: "not_connected",
      email: null,
    });
    for (const run of [text, json, nobody]) expectNoSecrets(run, secretsOf(connections, [key]));
  });

  test("status of a record no configured key opens: one error line, exit 1", async () => {
    const { env } = await seeded();
    const run = await runCli(["status", "zed"], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("unknown key");
    expect(run.stderr).toContain("(record_unreadable)");
  });

  test("during an OAuth client switch, list says who is left to reconnect", async () => {
    const dir = tempDir();
    const key = newKey();
    const env = storeEnv(dir, key, {
      GOOGLE_OAUTH_CLIENT_ID: "agentic.apps.googleusercontent.com",
      GOOGLE_OAUTH_PREVIOUS_CLIENTS: "old.apps.googleusercontent.com:old-secret",
    });
    await withStorage(env, "sqlite", async ({ vault }) => {
      await vault.put(connection("new-1", { oauthClientId: "agentic.apps.googleusercontent.com" }));
      await vault.put(connection("old-1", { oauthClientId: "old.apps.googleusercontent.com" }));
      await vault.put(connection("gone-1", { oauthClientId: "retired.apps.googleusercontent.com" }));
    });
    const run = await runCli(["list"], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/gone-1\s+needs reconnecting \(grant of an OAuth client no longer used\)/);
    expect(run.stdout).toMatch(/old-1\s+connected/);
    expect(run.stdout).toContain(
      "OAuth client switch: 2 of 3 customers still hold a grant of an earlier client (1 still working through GOOGLE_OAUTH_PREVIOUS_CLIENTS, 1 must reconnect).",
    );
    const json = JSON.parse((await runCli(["list", "--json"], env)).stdout) as Array<Record<string, unknown>>;
    expect(json.map((row) => [row.customer_id, row.state, row.oauth_client])).toEqual([
      ["gone-1", "oauth_client_changed", "changed"],
      ["new-1", "connected", "current"],
      ["old-1", "connected", "previous"],
    ]);
  });

  test("in the sandbox the CLI opens the store with the data folder's development key", async () => {
    const dir = tempDir();
    const dataDir = path.join(dir, "data");
    // What a sandbox server would have made and written on its first start.
    const key = developmentEncryptionKey(dataDir);
    const db = openSqliteTokenDatabase(path.join(dataDir, "tokens.db"));
    await new SqliteTokenVault(db, new RecordSealer({ current: key, previous: [] })).put(
      connection("sandbox-user", { oauthClientId: "sandbox-client-id.apps.googleusercontent.com" }),
    );
    db.close(true);
    writeSandboxRecord(dataDir, {
      serverUrl: "http://localhost:60000",
      emulatorUrl: "http://127.0.0.1:60001",
      clientId: "sandbox-client-id.apps.googleusercontent.com",
      clientSecret: "sandbox-client-secret",
      encryptionKeyFile: DEVELOPMENT_KEY_FILE,
    });

    const run = await runCli(["list", "--json"], { CALENDAR_SERVER_DATA_DIR: dataDir });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      expect.objectContaining({ customer_id: "sandbox-user", state: "connected" }),
    ]);
    expect(developmentEncryptionKey(dataDir)).toEqual(key);
  });

  test("without Google credentials and without a sandbox record it says no sandbox has run there", async () => {
    const dataDir = path.join(tempDir(), "data");
    const run = await runCli(["list"], { CALENDAR_SERVER_DATA_DIR: dataDir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("no sandbox has run in");
    expect(run.stderr).toContain("bun start");
  });
});
