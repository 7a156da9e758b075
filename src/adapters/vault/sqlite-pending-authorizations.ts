import type { Database, Statement } from "bun:sqlite";
import type { PendingAuthorization } from "../../domain/connection.ts";
import type { PendingAuthorizations } from "../../domain/ports/pending-authorizations.ts";
import { MAX_PENDING_PER_CUSTOMER } from "../../domain/ports/pending-authorizations.ts";
import {
  customerKey,
  openPendingAuthorization,
  sealPendingAuthorization,
  stateHash,
} from "./pending-authorization-codec.ts";
import type { RecordSealer } from "./record-sealer.ts";
import { sqliteCall } from "./sqlite-database.ts";

/**
 * Pending authorizations in the token database, keyed by the state's hash. The expiry is kept
 * in clear beside the sealed record so purging needs no key and opens nothing.
 */
export class SqlitePendingAuthorizations implements PendingAuthorizations {
  readonly #sealer: RecordSealer;
  readonly #db: Database;
  readonly #insert: Statement<unknown, [string, number, Uint8Array, string]>;
  readonly #trim: Statement<unknown, [string, string, number]>;
  readonly #take: Statement<{ record: Uint8Array }, [string]>;
  readonly #purge: Statement<unknown, [number]>;

  constructor(db: Database, sealer: RecordSealer) {
    this.#sealer = sealer;
    this.#db = db;
    [this.#insert, this.#trim, this.#take, this.#purge] = sqliteCall("prepare statements", () => [
      db.prepare<unknown, [string, number, Uint8Array, string]>(
        `INSERT INTO pending_authorizations (state_hash, expires_at, record, customer_key) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (state_hash) DO UPDATE SET expires_at = excluded.expires_at, record = excluded.record,
           customer_key = excluded.customer_key`,
      ),
      // The entry just saved always stays (ties in expiry are common in a burst).
      db.prepare<unknown, [string, string, number]>(
        `DELETE FROM pending_authorizations WHERE customer_key = ?1 AND state_hash <> ?2 AND state_hash NOT IN (
           SELECT state_hash FROM pending_authorizations WHERE customer_key = ?1 AND state_hash <> ?2
            ORDER BY expires_at DESC LIMIT ?3 - 1)`,
      ),
      // One statement: of two concurrent takers (any process) only one gets the row.
      db.prepare<{ record: Uint8Array }, [string]>(
        "DELETE FROM pending_authorizations WHERE state_hash = ?1 RETURNING record",
      ),
      db.prepare<unknown, [number]>("DELETE FROM pending_authorizations WHERE expires_at <= ?1"),
    ]);
  }

  async save(pending: PendingAuthorization): Promise<void> {
    const sealed = sealPendingAuthorization(this.#sealer, pending);
    const hash = stateHash(pending.state);
    const customer = customerKey(pending.customerId);
    sqliteCall("store an authorization", () =>
      this.#db.transaction(() => {
        this.#insert.run(hash, pending.expiresAt.getTime(), sealed, customer);
        this.#trim.run(customer, hash, MAX_PENDING_PER_CUSTOMER);
      })(),
    );
  }

  /** @throws DomainError record_unreadable when the entry exists but cannot be opened (it is gone then) */
  async take(state: string): Promise<PendingAuthorization | null> {
    const hash = stateHash(state);
    const row = sqliteCall("take an authorization", () => this.#take.get(hash));
    return row === null ? null : openPendingAuthorization(this.#sealer, hash, row.record);
  }

  async purgeExpired(now: Date): Promise<number> {
    return sqliteCall("purge authorizations", () => this.#purge.run(now.getTime()).changes);
  }
}
