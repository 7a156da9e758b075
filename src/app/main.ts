import { ConfigError, loadConfig } from "./config.ts";
import { startServer } from "./server.ts";

/** `bun start`: configuration from the environment, then serve until a signal. */
try {
  const running = await startServer(loadConfig());
  const stop = async (signal: string): Promise<void> => {
    running.logger.log("info", "server_stopping", { signal });
    await running.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
  } else {
    console.error(`Start-up failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exit(1);
}
