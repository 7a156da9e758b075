import { afterAll, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generateEncryptionKey, parseEncryptionKey } from "../../src/adapters/vault/encryption-keys.ts";
import { startGoogleEmulator } from "../../tools/google-emulator/src/google-emulator.ts";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  E2E_API_KEY,
  freePort,
  type Stack,
  startStack,
} from "../e2e/e2e-fixtures.ts";
import { SecretBook } from "./secret-book.ts";
import { Recorder } from "./secret-recorder.ts";

/**
 * Secrets never leak: the end-to-end flows (connect, booking tools, refresh, disconnect, errors)
 * run while every answer and every log line is kept; then no access token, refresh token,
 * authorization code, OAuth state, client secret, encryption key or API key may appear in any of
 * them, except a state in the authorization URL and in the authorize answer that must carry it.
 */

describe("secrets never leak", () => {
  let stack: Stack | null = null;
  afterAll(async () => {
    await stack?.stop();
  });

  test("in process: answers and MemoryLogger lines carry no secret", async () => {
    stack = await startStack("sqlite", { CALENDAR_SERVER_RATE_LIMIT_PER_CUSTOMER: "0" });
    const running = stack;
    const book = new SecretBook();
    book.add("API key", E2E_API_KEY);
    book.add("client secret", CLIENT_SECRET);
    const key = running.server.config.encryption.key;
    if (key === null) throw new Error("the stack has no encryption key");
    book.addKey("encryption key", key);
    const recorder = new Recorder(running.server.url, book, () => book.harvest(running.emulator.state));
    await recorder.runFlows({
      advanceClock: (ms) => running.clock.advance(ms),
      expireAtGoogle: () => running.emulator.state.expireAccessTokens(),
      faultTokenEndpoint: () =>
        running.emulator.state.faults.push({ target: "token", status: 500, times: 3 }),
      clearFaults: () => {
        running.emulator.state.faults = [];
      },
    });
    const leaks = recorder.leaks(running.logger.lines);
    console.log(
      `secrets (in process): ${book.size} secrets checked against ${recorder.seen.length} answers and ` +
        `${running.logger.lines.length} log lines, ${leaks.length} leaks`,
    );
    expect(leaks).toEqual([]);
    expect(running.emulator.state.counters.refreshes).toBeGreaterThanOrEqual(2);
    // The detector itself works: a planted refresh token, or a state in a logged URL, is found.
    const planted = [...running.emulator.state.refreshTokens.keys()][0] ?? "";
    expect(book.findIn(`{"note":"${planted}"}`, "a probe", "urls")).toEqual(["refresh token in a probe"]);
    const url = `${running.emulator.url}/o/oauth2/v2/auth?state=${pendingState(recorder)}`;
    expect(book.findIn(`{"url":"${url}"}`, "a probe", "none")).toEqual(["OAuth state in a probe"]);
  }, 30_000);

  test("spawned server: answers, stdout and stderr carry no secret", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mcp-calendar-secrets-"));
    const emulator = await startGoogleEmulator({
      clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [] }],
      accounts: [{ email: "ana.garcia@example.com", name: "Ana García", timeZone: "Europe/Madrid" }],
      options: { autoApproveEmail: "ana.garcia@example.com" },
    });
    const encryptionKey = generateEncryptionKey();
    const port = freePort();
    const child = Bun.spawn(["bun", "run", "src/app/main.ts"], {
      cwd: path.resolve(import.meta.dir, "../.."),
      env: {
        PATH: Bun.env.PATH ?? "",
        HOME: Bun.env.HOME ?? "",
        CALENDAR_SERVER_PORT: String(port),
        CALENDAR_SERVER_BASE_URL: `http://127.0.0.1:${port}`,
        CALENDAR_SERVER_API_KEYS: E2E_API_KEY,
        CALENDAR_SERVER_RATE_LIMIT_PER_CUSTOMER: "0",
        GOOGLE_OAUTH_CLIENT_ID: CLIENT_ID,
        GOOGLE_OAUTH_CLIENT_SECRET: CLIENT_SECRET,
        GOOGLE_OAUTH_AUTH_URL: `${emulator.url}/o/oauth2/v2/auth`,
        GOOGLE_OAUTH_TOKEN_URL: `${emulator.url}/token`,
        GOOGLE_OAUTH_REVOKE_URL: `${emulator.url}/revoke`,
        GOOGLE_CALENDAR_API_URL: `${emulator.url}/`,
        GOOGLE_HTTP_TIMEOUT_MS: "2000",
        TOKEN_STORAGE_TYPE: "encrypted_file",
        TOKEN_VAULT_DIR: path.join(dir, "vault"),
        TOKEN_ENCRYPTION_KEY: encryptionKey,
      },
      stdout: "pipe",
      stderr: "pipe",
    });
    const stdout = new Response(child.stdout).text();
    const stderr = new Response(child.stderr).text();
    try {
      await waitForHealth(`http://127.0.0.1:${port}`, child.exited);
      const book = new SecretBook();
      book.add("API key", E2E_API_KEY);
      book.add("client secret", CLIENT_SECRET);
      book.addKey("encryption key", parseEncryptionKey(encryptionKey));
      const recorder = new Recorder(`http://127.0.0.1:${port}`, book, () => book.harvest(emulator.state));
      await recorder.runFlows({
        expireAtGoogle: () => emulator.state.expireAccessTokens(),
        faultTokenEndpoint: () => emulator.state.faults.push({ target: "token", status: 500, times: 3 }),
        clearFaults: () => {
          emulator.state.faults = [];
        },
      });
      child.kill("SIGTERM");
      await child.exited;
      const lines = `${await stdout}\n${await stderr}`.split("\n").filter((line) => line !== "");
      const leaks = recorder.leaks(lines);
      console.log(
        `secrets (spawned server): ${book.size} secrets checked against ${recorder.seen.length} answers and ` +
          `${lines.length} lines of stdout/stderr, ${leaks.length} leaks`,
      );
      expect(leaks).toEqual([]);
      expect(lines.some((line) => line.includes('"event":"token_refresh"'))).toBe(true);
      expect(emulator.state.counters.refreshes).toBeGreaterThanOrEqual(1);
    } finally {
      child.kill("SIGKILL");
      await emulator.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

/** A state the run saw in an authorize answer. */
function pendingState(recorder: Recorder): string {
  const answer = recorder.seen.find((seen) => seen.carriers === "urls and state field");
  return /"state":"([^"]+)"/.exec(answer?.text ?? "")?.[1] ?? "none";
}

/** Poll /healthz until the spawned server answers; fail early if it exits. */
async function waitForHealth(url: string, exited: Promise<number>): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  for (let attempt = 0; attempt < 200 && !gone; attempt += 1) {
    const ok = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await Bun.sleep(50);
  }
  throw new Error("the spawned server did not start");
}
