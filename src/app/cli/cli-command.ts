/** Exit statuses: scripts and cron jobs branch on these. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Where a command writes, and what it may know about its terminal. */
export interface CliIo {
  env: Record<string, string | undefined>;
  /** Results: what a script pipes on. */
  out(text: string): void;
  /** Errors, warnings and progress. */
  err(text: string): void;
  /** stderr is a terminal: a progress bar may redraw itself there. */
  interactive: boolean;
}

export interface OptionSpec {
  type: "boolean" | "string";
  description: string;
  /** Shown in help for string options, e.g. "<type>". */
  placeholder?: string;
  required?: boolean;
}

export interface CommandArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** One operator command: its help text, its arguments, and what it does. */
export interface CliCommand {
  name: string;
  /** One line for the global help. */
  summary: string;
  /** Names of the required positional arguments, in order. */
  positionals: string[];
  /** Names of positional arguments that may follow the required ones. */
  optionalPositionals?: string[];
  options: Record<string, OptionSpec>;
  /** Paragraphs shown by `<command> --help`. */
  description: string;
  /** @returns the exit status */
  run(args: CommandArgs, io: CliIo): Promise<number>;
}

/** Wrong command line: exit 2 with the command's help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
