import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { MemoryLogger } from "../../src/adapters/logging/logger.ts";
import { generateEncryptionKey } from "../../src/adapters/vault/encryption-keys.ts";
import { loadConfig } from "../../src/app/config.ts";
import { type RunningServer, startServer } from "../../src/app/server.ts";
import {
  type RunningGoogleEmulator,
  startGoogleEmulator,
} from "../../tools/google-emulator/src/google-emulator.ts";
import { FixedClock } from "../fakes/fixed-clock.ts";

export const E2E_API_KEY = "e2e-api-key-0123456789abcdef";
export const CLIENT_ID = "e2e-client.apps.googleusercontent.com";
export const CLIENT_SECRET = "e2e-client-secret";

export interface Stack {
  server: RunningServer;
  emulator: RunningGoogleEmulator;
  clock: FixedClock;
  logger: MemoryLogger;
  dir: string;
  /** Call our server with the API key. */
  call(pathname: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

/**
 * The real server (real config parsing, real store, real Arctic client) on a random port,
 * against the Google emulator on another: nothing in between is faked.
 */
export async function startStack(
  storage: "sqlite" | "encrypted_file",
  env: Record<string, string> = {},
): Promise<Stack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mcp-calendar-e2e-"));
  const emulator = await startGoogleEmulator({
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [] }],
    accounts: [{ email: "ana.garcia@example.com", name: "Ana García", timeZone: "Europe/Madrid" }],
    options: { autoApproveEmail: "ana.garcia@example.com" },
  });
  const port = freePort();
  const config = loadConfig({
    CALENDAR_SERVER_PORT: String(port),
    CALENDAR_SERVER_BASE_URL: `http://127.0.0.1:${port}`,
    CALENDAR_SERVER_API_KEYS: E2E_API_KEY,
    GOOGLE_OAUTH_CLIENT_ID: CLIENT_ID,
    GOOGLE_OAUTH_CLIENT_SECRET: CLIENT_SECRET,
    GOOGLE_OAUTH_AUTH_URL: `${emulator.url}/o/oauth2/v2/auth`,
    GOOGLE_OAUTH_TOKEN_URL: `${emulator.url}/token`,
    GOOGLE_OAUTH_REVOKE_URL: `${emulator.url}/revoke`,
    GOOGLE_CALENDAR_API_URL: `${emulator.url}/`,
    TOKEN_STORAGE_TYPE: storage,
    TOKEN_DB_PATH: path.join(dir, "tokens.db"),
    TOKEN_VAULT_DIR: path.join(dir, "vault"),
    TOKEN_ENCRYPTION_KEY: generateEncryptionKey(),
    ...env,
  });
  const clock = new FixedClock(new Date());
  const logger = new MemoryLogger();
  const server = await startServer(config, { clock, logger });
  return {
    server,
    emulator,
    clock,
    logger,
    dir,
    call: (pathname, init = {}) =>
      fetch(`${server.url}${pathname}`, {
        ...init,
        headers: {
          authorization: `Bearer ${E2E_API_KEY}`,
          "content-type": "application/json",
          ...init.headers,
        },
      }),
    stop: async () => {
      await server.stop();
      await emulator.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A port that was free a moment ago (the redirect URI must name the port before the server starts). */
export function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port ?? 0;
  probe.stop(true);
  return port;
}

/** Follow Google's consent (auto-approved by the emulator) back to our callback, as a browser would. */
export async function consent(authorizationUrl: string, accept = "application/json"): Promise<Response> {
  const atGoogle = await fetch(authorizationUrl, { redirect: "manual" });
  const callback = atGoogle.headers.get("location");
  if (atGoogle.status !== 302 || callback === null) {
    throw new Error(`emulator did not redirect (HTTP ${atGoogle.status})`);
  }
  return fetch(callback, { headers: { accept } });
}
