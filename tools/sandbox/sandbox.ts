import * as fs from "node:fs";
import * as path from "node:path";
import { writeSandboxRecord } from "../../src/app/cli/sandbox-record.ts";
import type { ComposeOptions } from "../../src/app/compose.ts";
import type { Config } from "../../src/app/config.ts";
import { type RunningServer, startServer } from "../../src/app/server.ts";
import { EmulatorState } from "../google-emulator/src/emulator-state.ts";
import {
  type RunningGoogleEmulator,
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  startGoogleEmulator,
} from "../google-emulator/src/google-emulator.ts";
import { restoreState, snapshotState } from "../google-emulator/src/state-file.ts";
import { DEVELOPMENT_KEY_FILE, developmentEncryptionKey, readOrCreateSecret } from "./development-secrets.ts";
import { sandboxBanner } from "./sandbox-banner.ts";

export const SANDBOX_ACCOUNTS = [
  { email: "ana.garcia@example.com", name: "Ana García", timeZone: "Europe/Madrid" },
  { email: "sam.lee@example.com", name: "Sam Lee", timeZone: "America/New_York" },
];

export interface RunningSandbox {
  server: RunningServer;
  emulator: RunningGoogleEmulator;
  /** The development API key, when the sandbox made (or reused) one. */
  developmentApiKey: string | null;
  stop(): Promise<void>;
}

/**
 * Development without Google credentials: the project's Google emulator runs in this process
 * beside the server, every Google URL points at it, and a development encryption key and API key
 * are made once in the data folder and reused. Where the emulator listens is recorded in the data
 * folder, so the operator CLI finds it.
 */
export async function startSandbox(
  config: Config,
  options: ComposeOptions & { quiet?: boolean } = {},
): Promise<RunningSandbox> {
  const developmentApiKey =
    config.server.apiKeys.length > 0
      ? null
      : readOrCreateSecret(
          config.dataDir,
          "dev-api-key",
          () => `dev-${crypto.randomUUID().replaceAll("-", "")}`,
        );
  const googleState = openEmulatorState(config.dataDir);
  const emulator = await startEmulatorBeside(config, googleState.state);
  const sandboxConfig: Config = {
    ...toSandboxConfig(config, emulator.url),
    server: {
      ...config.server,
      apiKeys: developmentApiKey === null ? config.server.apiKeys : [developmentApiKey],
    },
  };
  let server: RunningServer;
  try {
    server = await startServer(sandboxConfig, options);
  } catch (error) {
    googleState.close();
    await emulator.stop();
    throw error;
  }
  writeSandboxRecord(config.dataDir, {
    serverUrl: server.url,
    emulatorUrl: emulator.url,
    clientId: SANDBOX_CLIENT_ID,
    clientSecret: SANDBOX_CLIENT_SECRET,
    encryptionKeyFile: DEVELOPMENT_KEY_FILE,
  });
  if (options.quiet !== true) {
    process.stdout.write(
      sandboxBanner({
        url: server.url,
        emulatorUrl: emulator.url,
        apiKey: developmentApiKey,
        dataDir: config.dataDir,
        backend: config.google.calendarBackend,
      }),
    );
  }
  return {
    server,
    emulator,
    developmentApiKey,
    stop: async () => {
      await server.stop();
      await emulator.stop();
      googleState.close();
    },
  };
}

/** Every Google URL at the emulator, and the data folder's development key unless one is set. */
function toSandboxConfig(config: Config, emulatorUrl: string): Config {
  return {
    ...config,
    google: {
      ...config.google,
      clientId: SANDBOX_CLIENT_ID,
      clientSecret: SANDBOX_CLIENT_SECRET,
      authUrl: `${emulatorUrl}/o/oauth2/v2/auth`,
      tokenUrl: `${emulatorUrl}/token`,
      revokeUrl: `${emulatorUrl}/revoke`,
      calendarApiUrl: `${emulatorUrl}/`,
      // The emulated Calendar MCP server, used when GOOGLE_CALENDAR_BACKEND=mcp.
      calendarMcpUrl: `${emulatorUrl}/mcp/v1`,
    },
    encryption: {
      ...config.encryption,
      key: config.encryption.key ?? developmentEncryptionKey(config.dataDir),
    },
  };
}

const EMULATOR_HOST = "127.0.0.1";

/** The emulator listens on the next port up when it is free, so its URLs stay stable across restarts. */
async function startEmulatorBeside(config: Config, state: EmulatorState): Promise<RunningGoogleEmulator> {
  const options = {
    state,
    hostname: EMULATOR_HOST,
    accounts: SANDBOX_ACCOUNTS,
    clients: [
      {
        clientId: SANDBOX_CLIENT_ID,
        clientSecret: SANDBOX_CLIENT_SECRET,
        redirectUris: [config.google.redirectUri],
      },
    ],
  };
  const preferred = config.server.port === 0 ? 0 : config.server.port + 1;
  if (preferred === 0 || preferred > 65535) return startGoogleEmulator({ ...options, port: 0 });
  try {
    return await startGoogleEmulator({ ...options, port: preferred });
  } catch {
    return startGoogleEmulator({ ...options, port: 0 });
  }
}

/** The emulated Google's grants and calendars live in the data folder too, like our tokens. */
export const EMULATOR_STATE_FILE = "google-emulator.json";

/** How often the emulator's state is written when it changed; a kill -9 loses at most this. */
const SAVE_EVERY_MS = 500;

/**
 * The emulator's state, read back from the data folder, and written there again whenever it
 * changes (and once more at close), so a restarted sandbox finds every grant and booking.
 */
function openEmulatorState(dataDir: string): { state: EmulatorState; close(): void } {
  const file = path.join(dataDir, EMULATOR_STATE_FILE);
  const state = new EmulatorState();
  let saved = "";
  try {
    saved = fs.readFileSync(file, "utf8");
    restoreState(state, saved);
  } catch (error) {
    // No file yet is the first start; an unreadable one is set aside rather than lost.
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      fs.renameSync(file, `${file}.unreadable-${Date.now()}`);
      saved = "";
    }
  }
  const save = (): void => {
    const text = snapshotState(state);
    if (text === saved) return;
    const scratch = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(scratch, text, { mode: 0o600 });
    fs.renameSync(scratch, file);
    saved = text;
  };
  const timer = setInterval(save, SAVE_EVERY_MS);
  timer.unref();
  return {
    state,
    close: () => {
      clearInterval(timer);
      save();
    },
  };
}
