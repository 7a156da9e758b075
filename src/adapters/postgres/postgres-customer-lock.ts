import type { ReservedSQL, TransactionSQL } from "bun";
import type { CustomerId } from "../../domain/customer-id.ts";
import {
  type CustomerLock,
  type HeldLock,
  type LockPurpose,
  lockLost,
} from "../../domain/ports/customer-lock.ts";
import { abortAfter } from "../shared/abort-after.ts";
import { InProcessCustomerLock } from "../system/in-process-customer-lock.ts";
import { advisoryLockKey } from "./advisory-lock-key.ts";
import type { PostgresDatabase } from "./postgres-database.ts";
import { isLostConnection, PostgresDeadlineError, storageUnavailable } from "./postgres-errors.ts";
import { PostgresLockFences } from "./postgres-lock-fences.ts";

export interface PostgresCustomerLockOptions {
  /** Hears of a lock lost while its work ran (logged at warn). */
  onLost?: (purpose: LockPurpose) => void;
  /** How long a fence stands if its holder dies without lowering it. Default 60000. */
  fenceTtlMs?: number;
}

/** not_taken: the lock was never held and the work never ran; failed: the work threw. */
type Outcome<T> =
  | { state: "not_taken"; error: unknown }
  | { state: "done"; value: T }
  | { state: "failed"; error: unknown };

/**
 * One holder per customer and purpose across every instance sharing the database: a
 * transaction-level advisory lock (pg_advisory_xact_lock) held on a reserved connection while the
 * work runs, released by COMMIT. A session lock would be wrong with a pool: it stays with whichever
 * connection took it, and an unlock could run on another one.
 *
 * Why this cannot deadlock on connections:
 * - Callers in this process queue per key in memory first (InProcessCustomerLock), so 200
 *   concurrent callers for one customer hold ONE lock connection, not 200 waiting ones.
 * - Lock connections come from pools of their own, one per purpose, never from the vault's pool.
 *   The work's own vault reads and writes (RefreshToken re-reads the record once it holds the
 *   lock) use the vault pool, which no lock holder or waiter ever keeps.
 * - The only nesting is a booking holder taking the token lock (a refresh inside a booking), never
 *   the reverse, so the booking pool may wait on the token pool but not the other way round.
 * Waiting for a lock connection and for the lock itself are both bounded (lockWaitTimeoutMs, and a
 * client-side deadline for a server that stops answering): past it the caller gets
 * storage_unavailable instead of queueing forever. Taking the lock is tried again
 * when a pooled connection turns out dead (nothing ran yet, so it is safe).
 *
 * If the lock connection dies while the work runs, the database has already released the lock;
 * the work is not interrupted (it may be halfway through a Google call), never started twice, and
 * its own result is returned: the lock transaction holds no data, the work writes through the vault.
 * Two things keep it from acting on the lost lock: `HeldLock.confirm()` asks the lock connection
 * right before a write and refuses once it is gone, and a fence (PostgresLockFences) makes the
 * next holder wait until a write already in flight has ended.
 */
export class PostgresCustomerLock implements CustomerLock {
  readonly #db: PostgresDatabase;
  readonly #local = new InProcessCustomerLock();
  readonly #fences: PostgresLockFences;
  readonly #onLost: (purpose: LockPurpose) => void;

  constructor(db: PostgresDatabase, options: PostgresCustomerLockOptions = {}) {
    this.#db = db;
    this.#fences = new PostgresLockFences(db, options.fenceTtlMs ?? 60_000);
    this.#onLost = options.onLost ?? (() => undefined);
  }

  /** @throws DomainError storage_unavailable when the lock cannot be taken; otherwise what `work` throws */
  withLock<T>(
    customerId: CustomerId,
    purpose: LockPurpose,
    work: (held: HeldLock) => Promise<T>,
  ): Promise<T> {
    return this.#local.withLock(customerId, purpose, () => this.#acrossInstances(customerId, purpose, work));
  }

  async #acrossInstances<T>(
    customerId: CustomerId,
    purpose: LockPurpose,
    work: (held: HeldLock) => Promise<T>,
  ): Promise<T> {
    const key = advisoryLockKey("customer", this.#db.schema, purpose, customerId);
    let attempt = await this.#attempt(key, purpose, work);
    // Pooled connections the server dropped before we held anything: each failure discards one,
    // so the pool size plus one attempts always reach a fresh connection.
    for (let tries = 1; tries <= this.#db.maxLockConnections; tries += 1) {
      if (attempt.state !== "not_taken" || !isLostConnection(attempt.error)) break;
      attempt = await this.#attempt(key, purpose, work);
    }
    switch (attempt.state) {
      case "done":
        return attempt.value;
      case "failed":
        throw attempt.error;
      case "not_taken":
        throw storageUnavailable(`take the ${purpose} lock`, attempt.error);
    }
  }

  async #attempt<T>(
    key: string,
    purpose: LockPurpose,
    work: (held: HeldLock) => Promise<T>,
  ): Promise<Outcome<T>> {
    let connection: ReservedSQL;
    try {
      connection = await abortAfter(this.#db.lockWaitTimeoutMs, (signal) =>
        this.#db.lockPool(purpose).reserve({ signal }),
      );
    } catch (error) {
      return { state: "not_taken", error };
    }
    const run: { work: Promise<T> | null; abandoned: boolean; lost: boolean } = {
      work: null,
      abandoned: false,
      lost: false,
    };
    let locked = (): void => undefined;
    const acquired = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const underLock = async (tx: TransactionSQL): Promise<void> => {
      await tx.unsafe("SELECT pg_advisory_xact_lock($1::bigint)", [key]);
      if (!(await this.#fences.waitClear(tx, key, () => run.abandoned))) return;
      // Given up on (deadline, or begin() failed): never start the work on a lock we dropped.
      if (run.abandoned) return;
      await this.#fences.raise(key);
      if (run.abandoned) {
        await this.#fences.lower(key);
        return;
      }
      locked();
      run.work = work(this.#held(tx, purpose, run)).finally(() => this.#fences.lower(key));
      await run.work;
    };
    const transaction = connection.begin((tx) => {
      const running = underLock(tx);
      // Bun stops listening when the connection dies mid-transaction; the work's outcome is read
      // from run.work, so a late rejection here must not be reported as unhandled.
      running.catch(() => undefined);
      return running;
    });
    transaction.catch(() => {
      // The connection died: from here on, the lock may be someone else's.
      if (run.work !== null) run.lost = true;
    });

    // lock_timeout bounds the wait at the server; this bounds a server that stopped answering.
    const waited = await firstOf(
      acquired,
      transaction,
      this.#db.lockWaitTimeoutMs + this.#db.deadlineMs,
      () => {
        if (run.work === null) run.abandoned = true;
        return run.abandoned;
      },
    );
    if (run.work === null) {
      run.abandoned = true;
      await (waited.timedOut ? connection.close() : connection.release()).catch(() => undefined);
      return { state: "not_taken", error: waited.error };
    }
    // The work ran under the lock: its own outcome is the answer, even if the lock connection died
    // meanwhile (begin() then fails early, and the database has released the lock).
    const outcome = await run.work.then(
      (value): Outcome<T> => ({ state: "done", value }),
      (error: unknown): Outcome<T> => ({ state: "failed", error }),
    );
    // COMMIT releases the lock; a connection that cannot even answer that is closed instead.
    const ended = await firstOf(transaction, transaction, this.#db.deadlineMs, () => true);
    await (ended.timedOut ? connection.close() : connection.release()).catch(() => undefined);
    return outcome;
  }

  /** The work's way to ask, right before a write, whether the lock connection still holds it. */
  #held(tx: TransactionSQL, purpose: LockPurpose, run: { lost: boolean }): HeldLock {
    const lost = (): never => {
      if (!run.lost) run.lost = true;
      this.#onLost(purpose);
      throw lockLost(purpose);
    };
    return {
      confirm: async () => {
        if (run.lost) lost();
        // A statement in the lock's own transaction: it answers only while the lock is held.
        const alive = await firstOf(
          tx.unsafe("SELECT 1"),
          new Promise<never>(() => undefined),
          this.#db.deadlineMs,
          () => true,
        );
        if (alive.timedOut || alive.error !== null) lost();
      },
    };
  }
}

/**
 * Wait until `ready` resolves or `ended` settles, or `ms` pass and `giveUp()` agrees (it runs in
 * the timer, so the decision and the abandon flag change in one step). Never rejects.
 */
function firstOf(
  ready: Promise<unknown>,
  ended: Promise<unknown>,
  ms: number,
  giveUp: () => boolean,
): Promise<{ timedOut: boolean; error: unknown }> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      if (giveUp()) resolve({ timedOut: true, error: new PostgresDeadlineError(ms) });
    }, ms);
    const done = (error: unknown): void => {
      clearTimeout(timer);
      resolve({ timedOut: false, error });
    };
    ready.then(
      () => done(null),
      (error: unknown) => done(error),
    );
    ended.then(
      () => done(null),
      (error: unknown) => done(error),
    );
  });
}
