import type { Logger } from "../adapters/logging/logger.ts";
import type { RunningGoogleEmulator } from "../emulator/google-emulator.ts";
import { type ComposedServer, type ComposeOptions, composeServer } from "./compose.ts";
import type { Config } from "./config.ts";
import { startSandbox } from "./sandbox.ts";
import { sandboxBanner } from "./sandbox-banner.ts";

export interface RunningServer {
  url: string;
  port: number;
  config: Config;
  composed: ComposedServer;
  logger: Logger;
  /** Present in sandbox mode. */
  emulator: RunningGoogleEmulator | null;
  stop(): Promise<void>;
}

/** Compose and serve; in sandbox mode start the Google emulator first and print the tour. */
export async function startServer(
  config: Config,
  options: ComposeOptions & { quiet?: boolean } = {},
): Promise<RunningServer> {
  const sandbox = config.sandbox ? await startSandbox(config) : null;
  const effective = sandbox?.config ?? config;
  const composed = await composeServer(effective, options);
  const server = Bun.serve({ port: effective.server.port, fetch: composed.app.fetch });
  const url = effective.server.port === 0 ? `http://localhost:${server.port}` : effective.server.baseUrl;
  composed.logger.log("info", "server_started", {
    port: server.port,
    sandbox: sandbox !== null,
    storage: effective.storage.type,
  });
  if (sandbox !== null && options.quiet !== true) {
    process.stdout.write(
      sandboxBanner({ url, emulatorUrl: sandbox.emulator.url, apiKey: sandbox.developmentApiKey }),
    );
  }
  return {
    url,
    port: server.port ?? effective.server.port,
    config: effective,
    composed,
    logger: composed.logger,
    emulator: sandbox?.emulator ?? null,
    stop: async () => {
      await server.stop();
      await composed.close();
      await sandbox?.emulator.stop();
    },
  };
}
