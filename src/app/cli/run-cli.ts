import { InvalidEncryptionKeyError } from "../../adapters/vault/encryption-keys.ts";
import { isDomainError } from "../../domain/errors.ts";
import { ConfigError } from "../config.ts";
import { type CliCommand, type CliIo, EXIT, UsageError } from "./cli-command.ts";
import { SandboxNotFoundError } from "./cli-context.ts";
import { disconnectCommand } from "./disconnect.ts";
import { commandHelp, globalHelp } from "./help.ts";
import { keygenCommand } from "./keygen.ts";
import { listCommand } from "./list.ts";
import { migrateCommand } from "./migrate.ts";
import { parseCommandArgs } from "./parse-args.ts";
import { rotateKeyCommand } from "./rotate-key.ts";
import { statusCommand } from "./status.ts";
import { webhooksCommand } from "./webhooks.ts";

export const COMMANDS: readonly CliCommand[] = [
  keygenCommand,
  rotateKeyCommand,
  migrateCommand,
  listCommand,
  statusCommand,
  disconnectCommand,
  webhooksCommand,
];

/** Run one command line; every failure ends as one line on stderr and an exit status. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(`error: no command given\n\n${globalHelp(COMMANDS)}`);
    return EXIT.usage;
  }
  if (name === "--help" || name === "-h" || name === "help") return help(rest[0], io);
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    io.err(`error: unknown command '${name}'\n\n${globalHelp(COMMANDS)}`);
    return EXIT.usage;
  }
  try {
    const parsed = parseCommandArgs(command, rest);
    if (parsed.help) {
      io.out(commandHelp(command));
      return EXIT.ok;
    }
    return await command.run(parsed, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}\n\n${commandHelp(command)}`);
      return EXIT.usage;
    }
    io.err(`error: ${describeFailure(error)}\n`);
    return EXIT.failure;
  }
}

function help(topic: string | undefined, io: CliIo): number {
  const command = COMMANDS.find((candidate) => candidate.name === topic);
  if (topic !== undefined && command === undefined) {
    io.err(`error: unknown command '${topic}'\n\n${globalHelp(COMMANDS)}`);
    return EXIT.usage;
  }
  io.out(command === undefined ? globalHelp(COMMANDS) : commandHelp(command));
  return EXIT.ok;
}

/**
 * One line. Config, key and domain errors are written never to carry a secret; anything else is
 * named by its class and message, which our adapters keep free of tokens too.
 */
function describeFailure(error: unknown): string {
  if (error instanceof ConfigError) return `configuration: ${error.message}`;
  if (error instanceof SandboxNotFoundError) return error.message;
  if (error instanceof InvalidEncryptionKeyError) return `development key file: ${error.message}`;
  if (isDomainError(error)) return `${error.message} (${error.code})`;
  if (error instanceof Error) return `${error.name}: ${error.message}`.replaceAll("\n", " ");
  return String(error);
}
