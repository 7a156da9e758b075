import { runCli } from "./cli/run-cli.ts";

/** `bun run cli <command>`: operator commands (see `bun run cli --help`). */
process.exitCode = await runCli(Bun.argv.slice(2), {
  env: Bun.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  interactive: process.stderr.isTTY === true,
});
