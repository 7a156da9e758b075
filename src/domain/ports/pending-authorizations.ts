import type { PendingAuthorization } from "../connection.ts";

/**
 * Started authorizations, kept where every server instance sharing the token store finds them.
 * Throws DomainError `storage_unavailable` when the store cannot be reached.
 */
/** Started authorizations kept per customer: a new one past this drops the oldest. */
export const MAX_PENDING_PER_CUSTOMER = 10;

export interface PendingAuthorizations {
  /**
   * Keep it; the customer's earlier ones beyond the MAX_PENDING_PER_CUSTOMER newest are dropped,
   * so a script calling authorize in a loop cannot fill the store (their links stop working).
   */
  save(pending: PendingAuthorization): Promise<void>;
  /**
   * Remove and return the authorization for `state`, atomically: of two concurrent callers
   * with the same state at most one gets it. Expired entries may still be returned (the caller
   * checks `expiresAt`); unknown or already-taken states give null.
   */
  take(state: string): Promise<PendingAuthorization | null>;
  /** Drop entries that expired before `now`. @returns how many were dropped */
  purgeExpired(now: Date): Promise<number>;
}
