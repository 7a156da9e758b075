import { JsonLineLogger } from "../../adapters/logging/logger.ts";
import { SystemClock } from "../../adapters/system/system-clock.ts";
import { type ComposeOptions, composeServices, type Services } from "../compose.ts";
import { type Config, loadConfig } from "../config.ts";
import { openStorage, type Storage } from "../storage.ts";
import type { CliIo } from "./cli-command.ts";
import { applySandboxRecord, readSandboxRecord, SANDBOX_RECORD_FILE } from "./sandbox-record.ts";

/**
 * The server's configuration, as the server would run with it. In the sandbox that means what the
 * last sandbox started in the data folder recorded: Google at its emulator (the tokens in a
 * sandbox store were issued there, so that is where they are revoked) and its development key.
 * @throws ConfigError, or SandboxNotFoundError when no sandbox has run in the data folder
 */
export function loadCliConfig(env: CliIo["env"]): Config {
  const config = loadConfig(env);
  if (!config.sandbox) return config;
  const record = readSandboxRecord(config.dataDir);
  if (record === null) throw new SandboxNotFoundError(config.dataDir);
  return applySandboxRecord(config, record);
}

/** Without Google credentials the CLI works on a sandbox's data folder, and there is none. */
export class SandboxNotFoundError extends Error {
  constructor(dataDir: string) {
    super(
      `no sandbox has run in ${dataDir} (no ${SANDBOX_RECORD_FILE} there): start it with \`bun start\`, ` +
        "or set GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET to manage a real store",
    );
    this.name = "SandboxNotFoundError";
  }
}

export interface CliStore {
  config: Config;
  storage: Storage;
  services: Services;
}

/** Open the configured store, compose the services over it, run `work`, close the store. */
export async function withStore<T>(io: CliIo, work: (store: CliStore) => Promise<T>): Promise<T> {
  const config = loadCliConfig(io.env);
  const storage = await openStorage(config);
  try {
    const services = composeServices(config, storage, cliComposeOptions(io));
    return await work({ config, storage, services });
  } finally {
    await storage.close();
  }
}

/** Warnings and errors from the services go to stderr, as JSON lines; stdout stays the result. */
function cliComposeOptions(io: CliIo): Required<Pick<ComposeOptions, "logger" | "clock">> {
  return {
    logger: new JsonLineLogger({ write: (line) => io.err(`${line}\n`), level: "warn" }),
    clock: new SystemClock(),
  };
}
