import type { CustomerId } from "../../domain/customer-id.ts";
import { DomainError } from "../../domain/errors.ts";
import type {
  ClaimOutcome,
  IdempotencyClaim,
  IdempotencyRecord,
  IdempotencyRecords,
} from "../../domain/ports/idempotency-records.ts";
import {
  checkEventId,
  idempotencyRecordId,
  newAttempt,
  openIdempotencyRecord,
  pendingRecord,
  sealIdempotencyRecord,
} from "../vault/idempotency-record-codec.ts";
import type { RecordSealer } from "../vault/record-sealer.ts";
import type { PostgresDatabase } from "./postgres-database.ts";

/** A claim that keeps finding the record released under it gives up after this many rounds. */
const CLAIM_ROUNDS = 8;

/**
 * Idempotency records in the shared database, keyed by a hash of (customer, key): a replay
 * reaching any instance finds the record another instance wrote. The attempt, state and last
 * change are kept in clear beside the sealed record, so every change is one compare-and-set
 * statement and purging opens nothing.
 */
export class PostgresIdempotencyRecords implements IdempotencyRecords {
  readonly #db: PostgresDatabase;
  readonly #sealer: RecordSealer;
  readonly #table: string;

  constructor(db: PostgresDatabase, sealer: RecordSealer) {
    this.#db = db;
    this.#sealer = sealer;
    this.#table = db.table("idempotency_records");
  }

  async claim(claim: IdempotencyClaim, now: Date): Promise<ClaimOutcome> {
    const record = pendingRecord(claim, now);
    const id = idempotencyRecordId(record.customerId, record.key);
    const sealed = sealIdempotencyRecord(this.#sealer, id, record);
    for (let round = 0; round < CLAIM_ROUNDS; round += 1) {
      // One statement: of concurrent claims (any instance) exactly one inserts; the others wait
      // for its commit on the primary key and then do nothing.
      const { rows } = await this.#db.query<{ record_id: string }>(
        "claim an idempotency key",
        `INSERT INTO ${this.#table} (record_id, attempt, state, updated_at, record)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (record_id) DO NOTHING RETURNING record_id`,
        [id, record.attempt, record.state, now, sealed],
      );
      if (rows.length === 1) return { claimed: true, record };
      const existing = await this.#read(id);
      if (existing !== null) return { claimed: false, existing };
    }
    throw new DomainError("storage_unavailable", "The token store is busy: an idempotency key kept changing");
  }

  async isRecorded(customerId: CustomerId, key: string): Promise<boolean> {
    const rows = await this.#db.read<{ found: number }>(
      "read an idempotency key",
      `SELECT 1 AS found FROM ${this.#table} WHERE record_id = $1`,
      [idempotencyRecordId(customerId, key)],
    );
    return rows.length > 0;
  }

  async takeOver(stale: IdempotencyRecord, now: Date): Promise<ClaimOutcome> {
    const record: IdempotencyRecord = { ...stale, state: "pending", attempt: newAttempt(), updatedAt: now };
    if (await this.#swap(stale, record)) return { claimed: true, record };
    const existing = await this.#read(idempotencyRecordId(stale.customerId, stale.key));
    return existing === null ? this.claim(stale, now) : { claimed: false, existing };
  }

  async complete(claimed: IdempotencyRecord, eventId: string, now: Date): Promise<boolean> {
    checkEventId(eventId);
    return this.#swap(claimed, { ...claimed, state: "completed", eventId, updatedAt: now });
  }

  async release(claimed: IdempotencyRecord): Promise<boolean> {
    const result = await this.#db.query(
      "release an idempotency key",
      `DELETE FROM ${this.#table} WHERE record_id = $1 AND attempt = $2 AND state = 'pending'`,
      [idempotencyRecordId(claimed.customerId, claimed.key), claimed.attempt],
    );
    return result.affectedRows === 1;
  }

  async purgeOlderThan(cutoff: Date): Promise<number> {
    const result = await this.#db.query(
      "purge idempotency records",
      `DELETE FROM ${this.#table} WHERE updated_at < $1`,
      [cutoff],
    );
    return result.affectedRows;
  }

  /** Replace `from`'s pending attempt by `to`, if the record still holds it. */
  async #swap(from: IdempotencyRecord, to: IdempotencyRecord): Promise<boolean> {
    const id = idempotencyRecordId(from.customerId, from.key);
    const sealed = sealIdempotencyRecord(this.#sealer, id, to);
    const result = await this.#db.query(
      "update an idempotency key",
      `UPDATE ${this.#table} SET attempt = $3, state = $4, updated_at = $5, record = $6
       WHERE record_id = $1 AND attempt = $2 AND state = 'pending'`,
      [id, from.attempt, to.attempt, to.state, to.updatedAt, sealed],
    );
    return result.affectedRows === 1;
  }

  /** @throws DomainError record_unreadable */
  async #read(id: string): Promise<IdempotencyRecord | null> {
    const rows = await this.#db.read<{ record: Uint8Array }>(
      "read an idempotency key",
      `SELECT record FROM ${this.#table} WHERE record_id = $1`,
      [id],
    );
    const row = rows[0];
    return row === undefined ? null : openIdempotencyRecord(this.#sealer, id, row.record);
  }
}
