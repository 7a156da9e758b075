import type { Logger } from "../adapters/logging/logger.ts";
import { type ComposedServer, type ComposeOptions, composeServer } from "./compose.ts";
import type { Config } from "./config.ts";

export interface RunningServer {
  url: string;
  port: number;
  config: Config;
  composed: ComposedServer;
  logger: Logger;
  stop(): Promise<void>;
}

/** Compose the server for `config` and serve it until `stop()`. */
export async function startServer(config: Config, options: ComposeOptions = {}): Promise<RunningServer> {
  const composed = await composeServer(config, options);
  const server = Bun.serve({
    port: config.server.port,
    hostname: config.server.hostname,
    fetch: composed.app.fetch,
  });
  const url = config.server.port === 0 ? `http://localhost:${server.port}` : config.server.baseUrl;
  composed.logger.log("info", "server_started", {
    port: server.port,
    sandbox: config.sandbox,
    storage: config.storage.type,
  });
  return {
    url,
    port: server.port ?? config.server.port,
    config,
    composed,
    logger: composed.logger,
    stop: async () => {
      await server.stop();
      await composed.close();
    },
  };
}
