import { ConfigError, loadConfig } from "./config.ts";
import { startServer } from "./server.ts";

/**
 * The production entry point (the Docker image's command): configuration from the environment,
 * then serve until a signal. The zero-configuration sandbox is `bun start` (tools/sandbox).
 */
try {
  const config = loadConfig();
  if (config.sandbox) {
    throw new ConfigError(
      "GOOGLE_OAUTH_CLIENT_ID",
      "is not set: set GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET, or run `bun start` for the sandbox with an emulated Google",
    );
  }
  const running = await startServer(config);
  const stop = async (signal: string): Promise<void> => {
    running.logger.log("info", "server_stopping", { signal });
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
