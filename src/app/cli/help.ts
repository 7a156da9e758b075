import type { CliCommand } from "./cli-command.ts";

export const PROGRAM = "bun run cli";

/** `bun run cli --help`: every command in one screen. */
export function globalHelp(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `Operator commands for the MCP Calendar Server.

Usage: ${PROGRAM} <command> [options]

Commands:
${lines.join("\n")}

Every command reads the server's configuration from the environment (TOKEN_STORAGE_TYPE,
TOKEN_DB_PATH, TOKEN_VAULT_DIR, TOKEN_DATABASE_URL, TOKEN_ENCRYPTION_KEY, ...). Without Google
credentials outside production (the sandbox) it uses the data folder's development key.

Run '${PROGRAM} <command> --help' for a command's options.
Exit status: 0 success, 1 operational failure, 2 usage error.
`;
}

/** `bun run cli <command> --help`. */
export function commandHelp(command: CliCommand): string {
  const options = Object.entries(command.options).map(([name, spec]) => {
    const flag = spec.type === "string" ? `--${name} ${spec.placeholder ?? "<value>"}` : `--${name}`;
    return { flag, description: spec.description };
  });
  options.push({ flag: "-h, --help", description: "Show this help" });
  const width = Math.max(...options.map((option) => option.flag.length));
  return `${command.summary}

Usage: ${usageLine(command)}

${command.description.trim()}

Options:
${options.map((option) => `  ${option.flag.padEnd(width)}  ${option.description}`).join("\n")}
`;
}

export function usageLine(command: CliCommand): string {
  const positionals = [
    ...command.positionals.map((name) => `<${name}>`),
    ...(command.optionalPositionals ?? []).map((name) => `[<${name}>]`),
  ];
  const options = Object.entries(command.options).map(([name, spec]) => {
    const flag = spec.type === "string" ? `--${name} ${spec.placeholder ?? "<value>"}` : `--${name}`;
    return spec.required === true ? flag : `[${flag}]`;
  });
  return [PROGRAM, command.name, ...positionals, ...options].join(" ");
}
