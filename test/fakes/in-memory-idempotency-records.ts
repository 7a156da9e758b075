import {
  checkEventId,
  idempotencyRecordId,
  newAttempt,
  openIdempotencyRecord,
  pendingRecord,
  sealIdempotencyRecord,
} from "../../src/adapters/vault/idempotency-record-codec.ts";
import type { RecordSealer } from "../../src/adapters/vault/record-sealer.ts";
import type { CustomerId } from "../../src/domain/customer-id.ts";
import type {
  ClaimOutcome,
  IdempotencyClaim,
  IdempotencyRecord,
  IdempotencyRecords,
} from "../../src/domain/ports/idempotency-records.ts";

/**
 * Idempotency records in a Map, copied in and out so callers never share state with the store.
 * Without a sealer it keeps plain clones (domain tests); with one it keeps sealed records under
 * their record ids as the durable stores do, so the contract's tamper test runs on it too. Pass
 * the same `records` map to several instances to give them one shared store.
 */
export class InMemoryIdempotencyRecords implements IdempotencyRecords {
  readonly #sealer: RecordSealer | undefined;
  readonly #records: Map<string, IdempotencyRecord | Uint8Array>;

  constructor(sealer?: RecordSealer, records: Map<string, IdempotencyRecord | Uint8Array> = new Map()) {
    this.#sealer = sealer;
    this.#records = records;
  }

  async claim(claim: IdempotencyClaim, now: Date): Promise<ClaimOutcome> {
    const record = pendingRecord(claim, now);
    const id = idempotencyRecordId(record.customerId, record.key);
    const existing = this.#get(id);
    if (existing !== null) return { claimed: false, existing };
    this.#set(id, record);
    return { claimed: true, record: structuredClone(record) };
  }

  async takeOver(stale: IdempotencyRecord, now: Date): Promise<ClaimOutcome> {
    const id = idempotencyRecordId(stale.customerId, stale.key);
    const current = this.#get(id);
    if (current === null) return this.claim(stale, now);
    if (!holds(current, stale)) return { claimed: false, existing: current };
    const record: IdempotencyRecord = { ...current, attempt: newAttempt(), updatedAt: now };
    this.#set(id, record);
    return { claimed: true, record: structuredClone(record) };
  }

  async isRecorded(customerId: CustomerId, key: string): Promise<boolean> {
    return this.#records.has(idempotencyRecordId(customerId, key));
  }

  async complete(claimed: IdempotencyRecord, eventId: string, now: Date): Promise<boolean> {
    checkEventId(eventId);
    const id = idempotencyRecordId(claimed.customerId, claimed.key);
    const current = this.#get(id);
    if (current === null || !holds(current, claimed)) return false;
    this.#set(id, { ...current, state: "completed", eventId, updatedAt: now });
    return true;
  }

  async release(claimed: IdempotencyRecord): Promise<boolean> {
    const id = idempotencyRecordId(claimed.customerId, claimed.key);
    const current = this.#get(id);
    if (current === null || !holds(current, claimed)) return false;
    this.#records.delete(id);
    return true;
  }

  async purgeOlderThan(cutoff: Date): Promise<number> {
    let dropped = 0;
    for (const id of [...this.#records.keys()]) {
      const record = this.#openable(id);
      if (record !== null && record.updatedAt.getTime() < cutoff.getTime()) {
        this.#records.delete(id);
        dropped += 1;
      }
    }
    return dropped;
  }

  #get(id: string): IdempotencyRecord | null {
    const stored = this.#records.get(id);
    if (stored === undefined) return null;
    if (stored instanceof Uint8Array) {
      if (this.#sealer === undefined) throw new Error("sealed records need a sealer");
      return openIdempotencyRecord(this.#sealer, id, stored);
    }
    return structuredClone(stored);
  }

  /** A sealed record no held key opens keeps no clear time here: purge leaves it, as in doubt. */
  #openable(id: string): IdempotencyRecord | null {
    try {
      return this.#get(id);
    } catch {
      return null;
    }
  }

  #set(id: string, record: IdempotencyRecord): void {
    this.#records.set(
      id,
      this.#sealer === undefined ? structuredClone(record) : sealIdempotencyRecord(this.#sealer, id, record),
    );
  }
}

function holds(current: IdempotencyRecord, attempt: IdempotencyRecord): boolean {
  return current.state === "pending" && current.attempt === attempt.attempt;
}
