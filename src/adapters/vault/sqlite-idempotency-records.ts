import type { Database, Statement } from "bun:sqlite";
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
} from "./idempotency-record-codec.ts";
import type { RecordSealer } from "./record-sealer.ts";
import { sqliteCall, storageError } from "./sqlite-database.ts";
import { SqliteGroupCommit } from "./sqlite-group-commit.ts";

type Row = { record: Uint8Array };
type Write = [id: string, attempt: string, state: string, updatedAt: number, record: Uint8Array];
type Swap = [
  id: string,
  oldAttempt: string,
  newAttempt: string,
  state: string,
  updatedAt: number,
  record: Uint8Array,
];

/** A claim that keeps finding the record released under it gives up after this many rounds. */
const CLAIM_ROUNDS = 8;

/**
 * Idempotency records in the token database, keyed by a hash of (customer, key). The attempt,
 * state and last change are kept in clear beside the sealed record, so every change is one
 * compare-and-set statement (atomic across processes) and purging opens nothing. Concurrent
 * bookings' claims and completions share commits (sqlite-group-commit.ts): a keyed booking
 * writes twice, and at 32 bookings in flight a commit held about 18 writes instead of one.
 */
export class SqliteIdempotencyRecords implements IdempotencyRecords {
  readonly #sealer: RecordSealer;
  readonly #insert: Statement<unknown, Write>;
  readonly #select: Statement<Row, [string]>;
  readonly #found: Statement<{ found: number }, [string]>;
  readonly #update: Statement<unknown, Swap>;
  readonly #release: Statement<unknown, [string, string]>;
  readonly #purge: Statement<unknown, [number]>;
  readonly #writes: SqliteGroupCommit;

  constructor(db: Database, sealer: RecordSealer) {
    this.#sealer = sealer;
    [this.#insert, this.#select, this.#found, this.#update, this.#release, this.#purge] = sqliteCall(
      "prepare statements",
      () => [
        db.prepare<unknown, Write>(
          `INSERT INTO idempotency_records (record_id, attempt, state, updated_at, record)
           VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (record_id) DO NOTHING`,
        ),
        db.prepare<Row, [string]>("SELECT record FROM idempotency_records WHERE record_id = ?1"),
        db.prepare<{ found: number }, [string]>(
          "SELECT 1 AS found FROM idempotency_records WHERE record_id = ?1",
        ),
        db.prepare<unknown, Swap>(
          `UPDATE idempotency_records SET attempt = ?3, state = ?4, updated_at = ?5, record = ?6
           WHERE record_id = ?1 AND attempt = ?2 AND state = 'pending'`,
        ),
        db.prepare<unknown, [string, string]>(
          "DELETE FROM idempotency_records WHERE record_id = ?1 AND attempt = ?2 AND state = 'pending'",
        ),
        db.prepare<unknown, [number]>("DELETE FROM idempotency_records WHERE updated_at < ?1"),
      ],
    );
    this.#writes = sqliteCall("prepare statements", () => new SqliteGroupCommit(db));
  }

  async claim(claim: IdempotencyClaim, now: Date): Promise<ClaimOutcome> {
    const record = pendingRecord(claim, now);
    const id = idempotencyRecordId(record.customerId, record.key);
    const claimed = await this.#write("claim an idempotency key", (): ClaimOutcome | null => {
      const sealed = sealIdempotencyRecord(this.#sealer, id, record);
      for (let round = 0; round < CLAIM_ROUNDS; round += 1) {
        const inserted = this.#insert.run(id, record.attempt, record.state, now.getTime(), sealed);
        if (inserted.changes === 1) return { claimed: true, record };
        const existing = this.#read(id);
        if (existing !== null) return { claimed: false, existing };
      }
      return null;
    });
    if (claimed !== null) return claimed;
    throw new DomainError("storage_unavailable", "The token store is busy: an idempotency key kept changing");
  }

  async isRecorded(customerId: CustomerId, key: string): Promise<boolean> {
    const id = idempotencyRecordId(customerId, key);
    return sqliteCall("read an idempotency key", () => this.#found.get(id) !== null);
  }

  async takeOver(stale: IdempotencyRecord, now: Date): Promise<ClaimOutcome> {
    const record: IdempotencyRecord = { ...stale, state: "pending", attempt: newAttempt(), updatedAt: now };
    if (await this.#swap(stale, record)) return { claimed: true, record };
    const existing = this.#read(idempotencyRecordId(stale.customerId, stale.key));
    return existing === null ? this.claim(stale, now) : { claimed: false, existing };
  }

  async complete(claimed: IdempotencyRecord, eventId: string, now: Date): Promise<boolean> {
    checkEventId(eventId);
    return this.#swap(claimed, { ...claimed, state: "completed", eventId, updatedAt: now });
  }

  async release(claimed: IdempotencyRecord): Promise<boolean> {
    const id = idempotencyRecordId(claimed.customerId, claimed.key);
    return this.#write(
      "release an idempotency key",
      () => this.#release.run(id, claimed.attempt).changes === 1,
    );
  }

  async purgeOlderThan(cutoff: Date): Promise<number> {
    return sqliteCall("purge idempotency records", () => this.#purge.run(cutoff.getTime()).changes);
  }

  /** Replace `from`'s pending attempt by `to`, if the record still holds it. */
  #swap(from: IdempotencyRecord, to: IdempotencyRecord): Promise<boolean> {
    const id = idempotencyRecordId(from.customerId, from.key);
    return this.#write("update an idempotency key", () => {
      const sealed = sealIdempotencyRecord(this.#sealer, id, to);
      return (
        this.#update.run(id, from.attempt, to.attempt, to.state, to.updatedAt.getTime(), sealed).changes === 1
      );
    });
  }

  /**
   * A write committed with the others of this event-loop turn (sqlite-group-commit.ts); its
   * SQLite failures become storage_unavailable, as sqliteCall's do. `work` seals its record
   * itself: it runs when the commit does, after the current turn, so a booking's answer, which
   * BookEvent sends before recording the event id, does not wait for that record's encryption.
   */
  async #write<T>(what: string, work: () => T): Promise<T> {
    try {
      return await this.#writes.run(work);
    } catch (error) {
      throw storageError(what, error);
    }
  }

  /** @throws DomainError record_unreadable */
  #read(id: string): IdempotencyRecord | null {
    const row = sqliteCall("read an idempotency key", () => this.#select.get(id));
    return row === null ? null : openIdempotencyRecord(this.#sealer, id, row.record);
  }
}
