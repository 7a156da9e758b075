import type { CustomerId } from "../customer-id.ts";
import { DomainError } from "../errors.ts";

/** What a lock serialises; each purpose is its own lock so a refresh never waits for a booking. */
export type LockPurpose = "token" | "booking";

/** Handed to the work while it runs: asks whether the lock is still ours. */
export interface HeldLock {
  /**
   * Call right before a write. A lock held through a database session is released when that
   * session dies, and another instance may then be inside; from then on nothing may be written.
   * @throws DomainError google_unavailable (details.reason "lock_lost") when the lock was lost
   */
  confirm(): Promise<void>;
}

/**
 * Mutual exclusion per customer and purpose, across every process that shares the store.
 * Throws DomainError `storage_unavailable` when the lock cannot be taken.
 */
export interface CustomerLock {
  withLock<T>(customerId: CustomerId, purpose: LockPurpose, work: (held: HeldLock) => Promise<T>): Promise<T>;
}

/** A lock that cannot be lost while its process lives (in-process, file locks). */
export const ALWAYS_HELD: HeldLock = { confirm: async () => undefined };

/** What `HeldLock.confirm` throws: retryable, and nothing was written. */
export function lockLost(purpose: LockPurpose): DomainError {
  return new DomainError(
    "google_unavailable",
    `The ${purpose} lock was lost (its database session ended) before the write; nothing was written: try again`,
    { details: { reason: "lock_lost", retry_after_seconds: 1 } },
  );
}
