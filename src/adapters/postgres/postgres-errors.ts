import { SQL } from "bun";
import { DomainError, isDomainError } from "../../domain/errors.ts";

/**
 * SQLSTATE classes whose server message helps an operator and names no stored value: connection
 * exceptions (08), bad login (28), unknown database (3D), shutdown or cancel (57), out of
 * resources (53), missing privilege (42501), lock timeout (55P03). Other messages may quote
 * parameters (records), so only their codes are shown.
 */
const TELLING_STATE = /^(08|28|3D|57|53|42501|55P03)/;

/** The client gave up waiting for an answer (pool wait, connect, network silence). */
export class PostgresDeadlineError extends Error {
  constructor(readonly deadlineMs: number) {
    super(`no answer within ${deadlineMs} ms`);
    this.name = "PostgresDeadlineError";
  }
}

export interface PgCallOptions {
  /**
   * How many times to run the call while the connection dies under it (the server restarted or
   * dropped connections the pool has not noticed yet; each failure discards one, so the pool size
   * plus one always reaches a fresh connection). Default 1. Only for calls that are safe to
   * repeat: reads, and taking a lock; never a write, which may have committed before the
   * connection died.
   */
  attempts?: number;
}

/**
 * Run one database call with a client-side deadline and translate every failure into
 * storage_unavailable. The server's statement_timeout bounds a running statement; this deadline
 * also bounds waiting for a pooled connection and a server that went silent (no TCP reset), which
 * TCP keepalive alone would take minutes to notice. On expiry the query is cancelled when it can
 * be; a single statement is atomic, so it either happened entirely or not at all.
 */
export async function pgCall<T>(
  what: string,
  deadlineMs: number,
  work: () => PromiseLike<T>,
  options: PgCallOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 1;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await withDeadline(deadlineMs, work);
    } catch (error) {
      if (attempt >= attempts || !isLostConnection(error)) throw storageUnavailable(what, error);
    }
  }
}

/** The connection died under the call; the database itself may be fine (a fresh one will tell). */
export function isLostConnection(error: unknown): boolean {
  if (!(error instanceof SQL.PostgresError)) return false;
  if (error.code === "ERR_POSTGRES_CONNECTION_CLOSED") return true;
  const state = error.errno ?? "";
  // 57P01-57P03: terminated by an administrator, crash or shutdown; class 08: connection exception.
  return /^(57P0[1-3]|08)/.test(state);
}

async function withDeadline<T>(deadlineMs: number, work: () => PromiseLike<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: PromiseLike<T> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      cancelQuery(running);
      reject(new PostgresDeadlineError(deadlineMs));
    }, deadlineMs);
  });
  try {
    running = work();
    return await Promise.race([running, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Domain errors pass through; anything else the database or the driver threw becomes storage_unavailable. */
export function storageUnavailable(what: string, error: unknown): DomainError {
  if (isDomainError(error)) return error;
  return new DomainError(
    "storage_unavailable",
    `The token store is unavailable: cannot ${what} (${describe(error)})`,
    {
      cause: error,
    },
  );
}

/** A short reason that never repeats a parameter: Bun's code, the SQLSTATE, and a safe message. */
export function describe(error: unknown): string {
  if (error instanceof SQL.PostgresError) {
    const state = error.errno;
    if (state === undefined) return `${error.code}: ${error.message}`;
    return TELLING_STATE.test(state) ? `SQLSTATE ${state}: ${error.message}` : `SQLSTATE ${state}`;
  }
  if (error instanceof PostgresDeadlineError) return error.message;
  if (error instanceof Error && error.name === "TimeoutError") return "timed out waiting for a connection";
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") return code;
  return error instanceof Error ? error.name : "unknown error";
}

/** A database URL fit for a log line or an error: no password, no query string. */
export function redactDatabaseUrl(url: string): string {
  if (!URL.canParse(url)) return "(unparseable URL)";
  const parsed = new URL(url);
  const user = parsed.username === "" ? "" : `${decodeURIComponent(parsed.username)}@`;
  return `${parsed.protocol}//${user}${parsed.host}${parsed.pathname}`;
}

function cancelQuery(query: unknown): void {
  const cancel = (query as { cancel?: unknown } | undefined)?.cancel;
  if (typeof cancel === "function") {
    try {
      cancel.call(query);
    } catch {
      // Already settled or not cancellable: the deadline error is reported either way.
    }
  }
}
