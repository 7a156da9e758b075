import type { Database, Statement } from "bun:sqlite";

interface Queued {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Writes asked for in one turn of the event loop commit together: each runs as its own
 * statement(s), in order, inside one transaction, and each caller gets its own result or error.
 * A commit is about a dozen system calls (WAL frames, shared-memory locks) whatever it holds, so
 * concurrent bookings' idempotency writes share one instead of paying one each. A write alone
 * in its turn runs as it would have (no transaction around it).
 *
 * Each caller's promise settles only after the commit that holds its write: nothing is
 * reported written before it is. If the commit fails, every write in it fails.
 */
export class SqliteGroupCommit {
  readonly #db: Database;
  readonly #begin: Statement;
  readonly #commit: Statement;
  readonly #rollback: Statement;
  #queue: Queued[] = [];

  constructor(db: Database) {
    this.#db = db;
    this.#begin = db.prepare("BEGIN IMMEDIATE");
    this.#commit = db.prepare("COMMIT");
    this.#rollback = db.prepare("ROLLBACK");
  }

  /** `work` (synchronous statements on this connection), run with the others of this turn. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.#queue.length === 0) setImmediate(() => this.#flush());
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  #flush(): void {
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 1) {
      const only = batch[0] as Queued;
      settle(only, attempt(only.work));
      return;
    }
    try {
      this.#begin.run();
    } catch (error) {
      for (const queued of batch) queued.reject(error);
      return;
    }
    const outcomes: Outcome[] = [];
    for (const queued of batch) {
      const outcome = attempt(queued.work);
      if (!outcome.ok && !this.#db.inTransaction) {
        // SQLite ended the transaction on that error (I/O, full disk, busy): nothing in it was
        // kept, and what followed would commit one by one.
        for (const each of batch) each.reject(outcome.error);
        return;
      }
      outcomes.push(outcome);
    }
    try {
      this.#commit.run();
    } catch (error) {
      try {
        this.#rollback.run();
      } catch {
        // Already rolled back by SQLite itself (some errors end the transaction).
      }
      for (const queued of batch) queued.reject(error);
      return;
    }
    for (const [index, queued] of batch.entries()) settle(queued, outcomes[index] as Outcome);
  }
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

function attempt(work: () => unknown): Outcome {
  try {
    return { ok: true, value: work() };
  } catch (error) {
    return { ok: false, error };
  }
}

function settle(queued: Queued, outcome: Outcome): void {
  if (outcome.ok) queued.resolve(outcome.value);
  else queued.reject(outcome.error);
}
