import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import { type CustomerId, isCustomerId } from "../../domain/customer-id.ts";
import { type CliCommand, type CommandArgs, UsageError } from "./cli-command.ts";

export type ParsedCommandLine = { help: true } | ({ help: false } & CommandArgs);

/**
 * A command's arguments through node:util parseArgs (strict): unknown options, missing values and
 * a wrong number of positionals are usage errors. `--help`/`-h` wins over everything else.
 * @throws UsageError
 */
export function parseCommandArgs(command: CliCommand, argv: string[]): ParsedCommandLine {
  const options: ParseArgsOptionsConfig = { help: { type: "boolean", short: "h" } };
  for (const [name, spec] of Object.entries(command.options)) options[name] = { type: spec.type };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(firstSentence(error instanceof Error ? error.message : String(error)));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help === true) return { help: true };
  const expected = command.positionals;
  if (parsed.positionals.length < expected.length) {
    throw new UsageError(`missing <${expected[parsed.positionals.length]}>`);
  }
  const most = expected.length + (command.optionalPositionals?.length ?? 0);
  if (parsed.positionals.length > most) {
    throw new UsageError(`unexpected argument '${parsed.positionals[most]}'`);
  }
  for (const [name, spec] of Object.entries(command.options)) {
    if (spec.required === true && values[name] === undefined) throw new UsageError(`missing --${name}`);
  }
  return { help: false, values, positionals: parsed.positionals };
}

/** Node's messages go on to explain `--` at length; the first sentence says what is wrong. */
function firstSentence(message: string): string {
  const end = message.indexOf(". ");
  return end === -1 ? message : message.slice(0, end);
}

/** A positional customer id, checked by the domain rule. @throws UsageError */
export function customerIdArgument(text: string | undefined): CustomerId {
  if (isCustomerId(text)) return text;
  throw new UsageError(
    "customer_id must be 1-128 characters of A-Z a-z 0-9 . _ : @ -, starting with a letter or digit",
  );
}

export const STORAGE_TYPES = ["sqlite", "encrypted_file", "database"] as const;
export type StorageType = (typeof STORAGE_TYPES)[number];

/** @throws UsageError */
export function storageTypeArgument(value: string | boolean | undefined, flag: string): StorageType {
  const found = STORAGE_TYPES.find((type) => type === value);
  if (found !== undefined) return found;
  throw new UsageError(`${flag} must be one of ${STORAGE_TYPES.join(", ")}`);
}
