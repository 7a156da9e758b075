import { afterEach, describe, expect, test } from "bun:test";
import * as path from "node:path";
import { parseCustomerId } from "../../src/domain/customer-id.ts";
import { runCli } from "../app/cli/cli-fixtures.ts";
import { CLIENT_ID, CLIENT_SECRET, consent, freePort, type Stack, startStack } from "../e2e/e2e-fixtures.ts";

/**
 * `bun run cli disconnect` (another process) while the server is refreshing the same customer's
 * token on the SQLite or file store: the server's write must not bring the deleted record back,
 * whether the refresh then succeeds (Google was not told: revoke unreachable) or fails
 * (invalid_grant after the revoke).
 */

const CUSTOMER = parseCustomerId("race-user");
/** Longer than starting the CLI process and its disconnect. */
const TOKEN_DELAY_MS = 4000;

describe("CLI disconnect racing a refresh in flight", () => {
  let stack: Stack | null = null;
  afterEach(async () => {
    await stack?.stop();
    stack = null;
  });

  for (const storage of ["sqlite", "encrypted_file"] as const) {
    for (const revoke of ["reachable", "unreachable"] as const) {
      test(`${storage}, Google's revoke ${revoke}: the record stays deleted`, async () => {
        const running = await startStack(storage);
        stack = running;
        const started = await running.call("/oauth/authorize", {
          method: "POST",
          body: JSON.stringify({ customer_id: CUSTOMER }),
        });
        const { authorization_url } = (await started.json()) as { authorization_url: string };
        expect((await consent(authorization_url)).status).toBe(200);
        const vault = running.server.composed.storage.vault;
        expect(await vault.get(CUSTOMER)).not.toBeNull();

        // The stored access token is now stale: the next use refreshes, slowly.
        running.clock.advance(2 * 3600 * 1000);
        running.emulator.state.faults = [{ target: "token", delayMs: TOKEN_DELAY_MS, times: 1 }];
        const before = running.emulator.state.counters.tokenRequests;
        const refreshing = running.server.composed.services.refresh.execute(CUSTOMER).then(
          () => "refreshed",
          (error: unknown) => (error as { code?: string }).code ?? "error",
        );
        while (running.emulator.state.counters.tokenRequests === before) await Bun.sleep(10);

        const { config } = running.server;
        const cli = await runCli(["disconnect", CUSTOMER], {
          TOKEN_STORAGE_TYPE: storage,
          TOKEN_DB_PATH: config.storage.sqlitePath,
          TOKEN_VAULT_DIR: path.resolve(config.storage.vaultDir),
          TOKEN_ENCRYPTION_KEY: Buffer.from(config.encryption.key ?? new Uint8Array()).toString("base64"),
          GOOGLE_OAUTH_CLIENT_ID: CLIENT_ID,
          GOOGLE_OAUTH_CLIENT_SECRET: CLIENT_SECRET,
          GOOGLE_OAUTH_TOKEN_URL: config.google.tokenUrl,
          GOOGLE_OAUTH_REVOKE_URL:
            revoke === "reachable" ? config.google.revokeUrl : `http://127.0.0.1:${freePort()}/revoke`,
          GOOGLE_HTTP_TIMEOUT_MS: "500",
        });
        expect(cli.code).toBe(0);
        expect(await vault.get(CUSTOMER)).toBeNull();

        // The refresh ends after the disconnect: it must not write the record back.
        const outcome = await refreshing;
        expect(outcome).toBe(revoke === "reachable" ? "reauthorization_required" : "calendar_not_connected");
        expect(await vault.get(CUSTOMER)).toBeNull();
        const status = await running.call(`/oauth/status/${CUSTOMER}`);
        expect(await status.json()).toMatchObject({ connected: false, reason: "not_connected" });
      }, 30_000);
    }
  }
});
