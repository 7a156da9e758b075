import { ensurePrivateDir } from "../adapters/vault/private-files.ts";
import {
  type RunningGoogleEmulator,
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  startGoogleEmulator,
} from "../emulator/google-emulator.ts";
import type { Config } from "./config.ts";
import { developmentEncryptionKey, readOrCreateSecret } from "./development-secrets.ts";

export interface Sandbox {
  /** The configuration, with every Google URL pointing at the emulator. */
  config: Config;
  emulator: RunningGoogleEmulator;
  /** The development API key, when the sandbox made (or reused) one. */
  developmentApiKey: string | null;
}

export const SANDBOX_ACCOUNTS = [
  { email: "ana.garcia@example.com", name: "Ana García", timeZone: "Europe/Madrid" },
  { email: "sam.lee@example.com", name: "Sam Lee", timeZone: "America/New_York" },
];

/**
 * Development without Google credentials: the project's Google emulator runs in this process,
 * and a development encryption key and API key are made once in the data folder and reused.
 */
export async function startSandbox(config: Config): Promise<Sandbox> {
  ensurePrivateDir(config.dataDir);
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
  return { config: sandboxConfig, emulator, developmentApiKey };
}

/**
 * What the sandbox changes in the configuration, besides the API key: every Google URL at the
 * emulator, and the data folder's development encryption key unless TOKEN_ENCRYPTION_KEY is set.
 * The operator CLI applies the same, so it opens the sandbox's store with the sandbox's key.
 */
export function toSandboxConfig(config: Config, emulatorUrl: string): Config {
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

/**
 * Where a sandbox server started with this configuration runs its emulator: the port after the
 * server's. Null for port 0 (then the emulator took any free port and cannot be found again).
 */
export function sandboxEmulatorUrl(config: Config): string | null {
  const port = preferredEmulatorPort(config);
  return port === 0 || port > 65535 ? null : `http://${EMULATOR_HOST}:${port}`;
}

const EMULATOR_HOST = "127.0.0.1";

function preferredEmulatorPort(config: Config): number {
  return config.server.port === 0 ? 0 : config.server.port + 1;
}

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
  const preferred = preferredEmulatorPort(config);
  try {
    return await startGoogleEmulator({ ...options, port: preferred });
  } catch {
    return startGoogleEmulator({ ...options, port: 0 });
  }
}
