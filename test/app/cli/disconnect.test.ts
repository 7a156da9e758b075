import { afterEach, describe, expect, test } from "bun:test";
import * as path from "node:path";
import { RecordSealer } from "../../../src/adapters/vault/record-sealer.ts";
import { openSqliteTokenDatabase } from "../../../src/adapters/vault/sqlite-database.ts";
import { SqliteTokenVault } from "../../../src/adapters/vault/sqlite-token-vault.ts";
import { writeSandboxRecord } from "../../../src/app/cli/sandbox-record.ts";
import type { Connection } from "../../../src/domain/connection.ts";
import {
  type RunningGoogleEmulator,
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  startGoogleEmulator,
} from "../../../tools/google-emulator/src/google-emulator.ts";
import { issueAccessToken, issueRefreshToken } from "../../../tools/google-emulator/src/oauth/grants.ts";
import {
  DEVELOPMENT_KEY_FILE,
  developmentEncryptionKey,
} from "../../../tools/sandbox/development-secrets.ts";
import {
  connection,
  expectNoSecrets,
  id,
  newKey,
  runCli,
  secretsOf,
  storeEnv,
  useTempDir,
  withStorage,
} from "./cli-fixtures.ts";

const tempDir = useTempDir();
let emulator: RunningGoogleEmulator | null = null;

afterEach(async () => {
  await emulator?.stop();
  emulator = null;
});

/** A connection holding tokens the emulator really issued, so revoking them means something. */
async function grantedConnection(customerId: string, clientId: string): Promise<Connection> {
  emulator = await startGoogleEmulator({ accounts: [{ email: `${customerId}@example.com` }] });
  const owner = {
    clientId,
    email: `${customerId}@example.com`,
    scopes: ["openid", "https://www.googleapis.com/auth/calendar.events"],
    grantId: crypto.randomUUID(),
  };
  const access = issueAccessToken(emulator.state, owner);
  const refresh = issueRefreshToken(emulator.state, owner);
  return connection(customerId, {
    tokens: {
      accessToken: access.token,
      refreshToken: refresh.token,
      expiresAt: new Date(access.expiresAt),
      scopes: owner.scopes,
    },
  });
}

describe("cli disconnect", () => {
  test("revokes the grant at Google, deletes the record, and prints no token", async () => {
    const granted = await grantedConnection("alice", "cli-test.apps.googleusercontent.com");
    const running = emulator as RunningGoogleEmulator;
    const dir = tempDir();
    const key = newKey();
    const env = storeEnv(dir, key, { GOOGLE_OAUTH_REVOKE_URL: `${running.url}/revoke` });
    await withStorage(env, "sqlite", async ({ vault }) => {
      await vault.put(granted);
      await vault.put(connection("bob"));
    });

    const run = await runCli(["disconnect", "alice"], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("Disconnected alice: access revoked at Google, stored tokens deleted.\n");
    expect(run.stderr).toBe("");
    expectNoSecrets(run, secretsOf([granted], [key]));
    expect(running.state.counters.revocations).toBe(1);
    expect(running.state.refreshTokens.get(granted.tokens.refreshToken ?? "")?.revoked).toBe(true);
    expect(running.state.accessTokens.has(granted.tokens.accessToken)).toBe(false);
    await withStorage(env, "sqlite", async ({ vault }) => {
      expect(await vault.get(id("alice"))).toBeNull();
      expect(await vault.get(id("bob"))).not.toBeNull();
    });

    const again = await runCli(["disconnect", "alice", "--json"], env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ customer_id: "alice", revoked: false, deleted: false });
    expect(running.state.counters.revocations).toBe(1);
  });

  test("when Google cannot be reached the record is still deleted, with a warning", async () => {
    const dir = tempDir();
    const unreachable = await startGoogleEmulator();
    const revokeUrl = `${unreachable.url}/revoke`;
    await unreachable.stop();
    const env = storeEnv(dir, newKey(), { GOOGLE_OAUTH_REVOKE_URL: revokeUrl });
    const bob = connection("bob");
    await withStorage(env, "sqlite", ({ vault }) => vault.put(bob));

    const run = await runCli(["disconnect", "bob"], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("Disconnected bob: stored tokens deleted.\n");
    expect(run.stderr).toStartWith("warning: Google did not confirm the revocation");
    expectNoSecrets(run, secretsOf([bob]));
    await withStorage(env, "sqlite", async ({ vault }) => {
      expect(await vault.get(id("bob"))).toBeNull();
    });
  });

  test("in the sandbox it revokes at the emulator the sandbox recorded in its data folder", async () => {
    const granted = await grantedConnection("sandy", SANDBOX_CLIENT_ID);
    const running = emulator as RunningGoogleEmulator;
    const dataDir = path.join(tempDir(), "data");
    // Made first, as a sandbox server would on its first start (it also creates the data folder).
    const sealer = new RecordSealer({ current: developmentEncryptionKey(dataDir), previous: [] });
    const db = openSqliteTokenDatabase(path.join(dataDir, "tokens.db"));
    await new SqliteTokenVault(db, sealer).put(granted);
    db.close(true);
    // The sandbox ran on another port, and its emulator on one unrelated to it.
    writeSandboxRecord(dataDir, {
      serverUrl: "http://localhost:61234",
      emulatorUrl: running.url,
      clientId: SANDBOX_CLIENT_ID,
      clientSecret: SANDBOX_CLIENT_SECRET,
      encryptionKeyFile: DEVELOPMENT_KEY_FILE,
    });

    const run = await runCli(["disconnect", "sandy"], { CALENDAR_SERVER_DATA_DIR: dataDir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("access revoked at Google");
    expect(running.state.refreshTokens.get(granted.tokens.refreshToken ?? "")?.revoked).toBe(true);
  });
});
