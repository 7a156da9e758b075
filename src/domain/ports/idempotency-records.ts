import type { CustomerId } from "../customer-id.ts";
import type { ArgumentsFingerprint } from "../idempotency-key.ts";

/**
 * What is needed to find a booking's event again at Google when we crashed between Google's
 * answer and `complete`: the event's time window and a digest of its summary (an event with
 * that summary, in that window, created after the record's `createdAt`).
 */
export interface BookingTrace {
  start: Date;
  end: Date;
  summaryHash: string;
}

/** What a booking with an idempotency key asks to record before it creates anything. */
export interface IdempotencyClaim {
  customerId: CustomerId;
  /** As the client sent it: compared exactly (see checkIdempotencyKey), never normalized. */
  key: string;
  fingerprint: ArgumentsFingerprint;
  calendarId: string;
  request: BookingTrace;
}

export interface IdempotencyRecord extends IdempotencyClaim {
  /** "pending" from the claim until `complete`; "completed" once the event id is known. */
  state: "pending" | "completed";
  eventId: string | null;
  /**
   * Random id of the claim currently holding the record. `complete` and `release` act only
   * while it is still theirs, so a claim taken over (see `takeOver`) can no longer finish or
   * drop the record of the attempt that replaced it.
   */
  attempt: string;
  createdAt: Date;
  updatedAt: Date;
}

export type ClaimOutcome =
  | { claimed: true; record: IdempotencyRecord }
  | { claimed: false; existing: IdempotencyRecord };

/**
 * Idempotency keys of bookings, recorded by us (Google's MCP server lets no client choose an
 * event id) in the token store, so they hold across instances and restarts.
 *
 * Records carry no plaintext booking data beyond the calendar id (sealed where the store seals
 * records) and times: argument digests, a summary digest, the event id. They are kept
 * IDEMPOTENCY_RETENTION_MS (30 days) after their last change, then purged by `purgeOlderThan`
 * (the server sweeps hourly); a customer's disconnect leaves them to expire, so a reconnect
 * within that time still recognises a replay and nothing else needs to know about them.
 *
 * Every method may throw DomainError `storage_unavailable` when the store cannot be reached,
 * and `invalid_argument` for a key that `checkIdempotencyKey` refuses (callers check first).
 * Methods that read a record throw `record_unreadable` when it exists but cannot be opened
 * (tampered, moved, or sealed with a key we no longer hold).
 */
export interface IdempotencyRecords {
  /**
   * Record a pending claim for (customer, key) unless one exists. Atomic across processes and
   * instances: of concurrent claims of one (customer, key) exactly one gets `claimed: true`;
   * the others get the record as it is then (which may hold other arguments: the caller
   * compares fingerprints with differingArguments).
   * @throws DomainError storage_unavailable, record_unreadable (the existing record), invalid_argument
   */
  claim(claim: IdempotencyClaim, now: Date): Promise<ClaimOutcome>;

  /**
   * Whether (customer, key) has a record, in any state, without opening it: a booking whose key
   * was never used asks Google about its slot while its claim is written.
   * @throws DomainError storage_unavailable
   */
  isRecorded(customerId: CustomerId, key: string): Promise<boolean>;

  /**
   * Take over a pending record whose attempt is presumed dead (the caller looked for its event
   * at Google and found none): it gets a new attempt and `updatedAt = now`, keeping `createdAt`.
   * Atomic like `claim`: of concurrent take-overs of one attempt exactly one wins. When the
   * record no longer holds that pending attempt, the answer is the record as it is now; when it
   * is gone, this claims afresh with the stale record's arguments.
   * @throws DomainError storage_unavailable, record_unreadable, invalid_argument
   */
  takeOver(stale: IdempotencyRecord, now: Date): Promise<ClaimOutcome>;

  /**
   * Mark the claim completed with the event Google created. `claimed` is the record `claim` or
   * `takeOver` handed back (its arguments are what the completed record keeps).
   * @returns false (and changes nothing) when the record no longer holds this pending attempt
   * @throws DomainError storage_unavailable, invalid_argument (an empty event id), record_unreadable
   *   (only stores that must open the stored record to compare attempts: the file store)
   */
  complete(claimed: IdempotencyRecord, eventId: string, now: Date): Promise<boolean>;

  /**
   * Drop a pending claim when nothing was created at Google, so the key can be used again.
   * @returns false (and changes nothing) when the record no longer holds this pending attempt
   * @throws DomainError storage_unavailable, invalid_argument, record_unreadable (as for complete)
   */
  release(claimed: IdempotencyRecord): Promise<boolean>;

  /**
   * Drop records last changed before `cutoff` (pending ones too: a claim that old is dead).
   * Records no held key opens are dropped by their stored time where the store keeps one apart.
   * @returns how many were dropped
   * @throws DomainError storage_unavailable
   */
  purgeOlderThan(cutoff: Date): Promise<number>;
}

/** How long a record is kept after its last change (30 days): far longer than any client retries. */
export const IDEMPOTENCY_RETENTION_MS = 30 * 86_400_000;
