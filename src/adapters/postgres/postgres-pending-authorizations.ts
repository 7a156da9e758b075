import type { PendingAuthorization } from "../../domain/connection.ts";
import type { PendingAuthorizations } from "../../domain/ports/pending-authorizations.ts";
import { MAX_PENDING_PER_CUSTOMER } from "../../domain/ports/pending-authorizations.ts";
import {
  customerKey,
  openPendingAuthorization,
  sealPendingAuthorization,
  stateHash,
} from "../vault/pending-authorization-codec.ts";
import type { RecordSealer } from "../vault/record-sealer.ts";
import type { PostgresDatabase } from "./postgres-database.ts";

/**
 * Pending authorizations in the shared database, keyed by the state's hash: a callback reaching
 * any instance completes a flow another instance started. The expiry is kept in clear beside the
 * sealed record so purging needs no key and opens nothing.
 */
export class PostgresPendingAuthorizations implements PendingAuthorizations {
  readonly #db: PostgresDatabase;
  readonly #sealer: RecordSealer;
  readonly #table: string;

  constructor(db: PostgresDatabase, sealer: RecordSealer) {
    this.#db = db;
    this.#sealer = sealer;
    this.#table = db.table("pending_authorizations");
  }

  async save(pending: PendingAuthorization): Promise<void> {
    const sealed = sealPendingAuthorization(this.#sealer, pending);
    // One statement: the insert, then the customer's entries beyond the newest few go.
    await this.#db.query(
      "store an authorization",
      `WITH saved AS (
         INSERT INTO ${this.#table} (state_hash, expires_at, record, customer_key) VALUES ($1, $2, $3, $4)
         ON CONFLICT (state_hash) DO UPDATE SET expires_at = excluded.expires_at, record = excluded.record,
           customer_key = excluded.customer_key
         RETURNING state_hash
       )
       DELETE FROM ${this.#table} WHERE customer_key = $4 AND state_hash NOT IN (
         SELECT state_hash FROM saved
         UNION ALL
         (SELECT state_hash FROM ${this.#table} WHERE customer_key = $4 AND state_hash <> $1
           ORDER BY expires_at DESC LIMIT $5::int - 1)
       )`,
      [
        stateHash(pending.state),
        pending.expiresAt,
        sealed,
        customerKey(pending.customerId),
        MAX_PENDING_PER_CUSTOMER,
      ],
    );
  }

  /** @throws DomainError record_unreadable when the entry exists but cannot be opened (it is gone then) */
  async take(state: string): Promise<PendingAuthorization | null> {
    const hash = stateHash(state);
    // One statement: of two concurrent takers (any instance) only one gets the row.
    const { rows } = await this.#db.query<{ record: Uint8Array }>(
      "take an authorization",
      `DELETE FROM ${this.#table} WHERE state_hash = $1 RETURNING record`,
      [hash],
    );
    const row = rows[0];
    return row === undefined ? null : openPendingAuthorization(this.#sealer, hash, row.record);
  }

  async purgeExpired(now: Date): Promise<number> {
    const result = await this.#db.query(
      "purge authorizations",
      `DELETE FROM ${this.#table} WHERE expires_at <= $1`,
      [now],
    );
    return result.affectedRows;
  }
}
