import type { PendingAuthorization } from "../connection.ts";

/**
 * Started authorizations, kept where every server instance sharing the token store finds them.
 * Throws DomainError `storage_unavailable` when the store cannot be reached.
 */
export interface PendingAuthorizations {
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
