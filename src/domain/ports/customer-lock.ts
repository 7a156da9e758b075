import type { CustomerId } from "../customer-id.ts";

/** What a lock serialises; each purpose is its own lock so a refresh never waits for a booking. */
export type LockPurpose = "token" | "booking";

/**
 * Mutual exclusion per customer and purpose, across every process that shares the store.
 * Throws DomainError `storage_unavailable` when the lock cannot be taken.
 */
export interface CustomerLock {
  withLock<T>(customerId: CustomerId, purpose: LockPurpose, work: () => Promise<T>): Promise<T>;
}
