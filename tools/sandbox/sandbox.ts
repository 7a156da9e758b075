import { writeSandboxRecord } from "../../src/app/cli/sandbox-record.ts";
import type { ComposeOptions } from "../../src/app/compose.ts";
import type { Config } from "../../src/app/config.ts";
import { type RunningServer, startServer } from "../../src/app/server.ts";
import {
  type RunningGoogleEmulator,
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  startGoogleEmulator,
} from "../google-emulator/src/google-emulator.ts";
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
  const emulator = await startEmulatorBeside(config);
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
    },
    encryption: {
      ...config.encryption,
      key: config.encryption.key ?? developmentEncryptionKey(config.dataDir),
    },
  };
}

const EMULATOR_HOST = "127.0.0.1";

/** The emulator listens on the next port up when it is free, so its URLs stay stable across restarts. */
async function startEmulatorBeside(config: Config): Promise<RunningGoogleEmulator> {
  const options = {
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
