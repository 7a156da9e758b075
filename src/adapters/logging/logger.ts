import * as fs from "node:fs";
import { isDomainError } from "../../domain/errors.ts";

const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Structured log lines. Callers pass facts, never tokens, codes, states or keys. */
export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
}

/**
 * What a log line says of a failure in background work: a domain error's code, else "internal".
 * Never the message, which may quote a vendor's answer or a connection string.
 */
export function loggedErrorCode(error: unknown): string {
  return isDomainError(error) ? error.code : "internal";
}

const REDACTED_FIELDS = /token|secret|password|authorization|code_verifier|^code$|^state$|api_?key/i;

/** One JSON object per line on stdout, with a last line of defence against secrets in fields. */
export class JsonLineLogger implements Logger {
  readonly #write: (line: string) => void;
  readonly #minimum: number;

  constructor(options: { write?: (line: string) => void; level?: LogLevel } = {}) {
    this.#write = options.write ?? writeToStdout;
    this.#minimum = rank(options.level ?? "info");
  }

  log(level: LogLevel, event: string, fields: Record<string, unknown> = {}): void {
    if (rank(level) < this.#minimum) return;
    // Fields are copied into the line itself (no entries array, no second object to spread):
    // two lines per request. A field named time, level or event replaces that value in place.
    const line: Record<string, unknown> = { time: new Date().toISOString(), level, event };
    for (const name of Object.keys(fields)) {
      line[name] = REDACTED_FIELDS.test(name) ? "[redacted]" : fields[name];
    }
    this.#write(JSON.stringify(line));
  }
}

/** Keeps lines in memory: for tests that assert what was (not) logged. */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  readonly #inner = new JsonLineLogger({ write: (line) => this.lines.push(line), level: "debug" });

  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void {
    this.#inner.log(level, event, fields);
  }
}

/**
 * Lines logged in one turn of the event loop leave in one write: a tool call logs two lines,
 * and a write per line was a system call per line on the answer path. They are written before
 * the loop turns again (setImmediate), and at exit; only a process killed outright (SIGKILL)
 * can lose the last turn's lines.
 */
let pendingLines = "";

function writeToStdout(line: string): void {
  if (pendingLines === "") setImmediate(flushLines);
  pendingLines += `${line}\n`;
}

function flushLines(): void {
  if (pendingLines === "") return;
  const lines = pendingLines;
  pendingLines = "";
  process.stdout.write(lines);
}

process.on("exit", () => {
  if (pendingLines === "") return;
  // Synchronous: nothing written after "exit" would be waited for.
  fs.writeSync(1, pendingLines);
  pendingLines = "";
});

function rank(level: LogLevel): number {
  return LOG_LEVELS.indexOf(level);
}
