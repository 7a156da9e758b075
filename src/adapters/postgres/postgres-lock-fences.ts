import type { TransactionSQL } from "bun";
import type { PostgresDatabase } from "./postgres-database.ts";

/** How often a new holder looks again while an earlier holder's fence stands. */
const POLL_MS = 100;

/**
 * Fences for locks whose holder may outlive its lock. An advisory lock dies with its database
 * session, but the work it guarded (a Google insert in flight) does not: without a fence the next
 * holder would check free/busy before that insert lands and book the same slot.
 *
 * Each holder raises a fence (a committed row, on the data pool, so it survives the lock
 * session) before its work and lowers it after. A new holder that finds a standing fence knows
 * the previous holder lost its lock mid-work, and waits until that work ends or the fence
 * expires (its holder crashed). The wait counts against the lock wait, so it stays bounded.
 */
export class PostgresLockFences {
  readonly #db: PostgresDatabase;
  readonly #table: string;
  readonly #ttlMs: number;

  constructor(db: PostgresDatabase, ttlMs: number) {
    this.#db = db;
    this.#table = db.table("lock_fences");
    this.#ttlMs = ttlMs;
  }

  /** Wait, holding the lock, until no earlier holder's work is still running; false if given up. */
  async waitClear(tx: TransactionSQL, key: string, givenUp: () => boolean): Promise<boolean> {
    for (;;) {
      const [row] = await tx.unsafe<Array<{ ms: number }>>(
        `SELECT ceil(extract(epoch FROM expires_at - now()) * 1000)::int AS ms
           FROM ${this.#table} WHERE lock_key = $1::bigint AND expires_at > now()`,
        [key],
      );
      if (row === undefined) return true;
      if (givenUp()) return false;
      await Bun.sleep(Math.min(POLL_MS, Math.max(1, row.ms)));
    }
  }

  /** @throws DomainError storage_unavailable (the work must not start unfenced) */
  async raise(key: string): Promise<void> {
    await this.#db.query(
      "fence a lock",
      `INSERT INTO ${this.#table} (lock_key, expires_at)
         VALUES ($1::bigint, now() + $2::int * interval '1 millisecond')
       ON CONFLICT (lock_key) DO UPDATE SET expires_at = excluded.expires_at`,
      [key, this.#ttlMs],
      // Idempotent: safe again on a fresh connection when a pooled one died.
      { attempts: this.#db.maxConnections + 1 },
    );
  }

  /** Best effort: a fence left behind expires by itself. */
  async lower(key: string): Promise<void> {
    await this.#db
      .query("lower a lock fence", `DELETE FROM ${this.#table} WHERE lock_key = $1::bigint`, [key], {
        attempts: this.#db.maxConnections + 1,
      })
      .catch(() => undefined);
  }
}
