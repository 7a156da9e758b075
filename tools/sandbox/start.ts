import { ConfigError, loadConfig } from "../../src/app/config.ts";
import { startServer } from "../../src/app/server.ts";
import { startSandbox } from "./sandbox.ts";

/**
 * `bun start`: the server as configured by the environment; without Google credentials (outside
 * production) it is the sandbox, with the Google emulator beside it.
 */
try {
  const config = loadConfig();
  const running = config.sandbox ? await startSandbox(config) : await startServer(config);
  const logger = "server" in running ? running.server.logger : running.logger;
  const stop = async (signal: string): Promise<void> => {
    logger.log("info", "server_stopping", { signal });
    await running.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
} catch (error) {
  if (error instanceof ConfigError) {
    const lines = error.problems.map((p) => `  ${p.variable}: ${p.problem}`);
    console.error(`Configuration error${lines.length > 1 ? "s" : ""}:\n${lines.join("\n")}`);
  } else {
    console.error(`Start-up failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exit(1);
}
