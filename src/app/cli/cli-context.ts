import { JsonLineLogger } from "../../adapters/logging/logger.ts";
import { SystemClock } from "../../adapters/memory/clocks.ts";
import { type ComposeOptions, composeServices, type Services } from "../compose.ts";
import { type Config, loadConfig } from "../config.ts";
import { sandboxEmulatorUrl, toSandboxConfig } from "../sandbox.ts";
import { openStorage, type Storage } from "../storage.ts";
import type { CliIo } from "./cli-command.ts";

/**
 * The server's configuration, as the server would run with it. In the sandbox that means the data
 * folder's development key, and Google at the emulator a sandbox server runs beside itself (the
 * tokens in a sandbox store were issued by it, so that is where they are revoked).
 * @throws ConfigError
 */
export function loadCliConfig(env: CliIo["env"]): Config {
  const config = loadConfig(env);
  if (!config.sandbox) return config;
  const emulatorUrl = sandboxEmulatorUrl(config);
  const sandbox = toSandboxConfig(config, emulatorUrl ?? "");
  // A sandbox on port 0 put its emulator on a random port: keep the configured Google URLs.
  return emulatorUrl === null ? { ...sandbox, google: config.google } : sandbox;
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
