import type { GrantedTokens } from "../connection.ts";
import type { CustomerId } from "../customer-id.ts";

/** A consent Google gave, held until the operator's backend confirms who gave it. */
export interface PendingConnection {
  /** Single-use bearer value the backend presents to confirm. */
  connectCode: string;
  customerId: CustomerId;
  granted: GrantedTokens;
  expiresAt: Date;
}

/**
 * Held connections, sealed like every record, where every instance sharing the store finds them.
 * Throws DomainError `storage_unavailable` when the store cannot be reached.
 */
export interface PendingConnections {
  save(pending: PendingConnection): Promise<void>;
  /**
   * Remove and return the entry for `connectCode`, atomically: of concurrent callers at most one
   * gets it. Expired entries may still be returned (the caller checks `expiresAt`).
   */
  take(connectCode: string): Promise<PendingConnection | null>;
  /** Remove and return entries that expired before `now` (so their grants can be revoked). */
  takeExpired(now: Date): Promise<PendingConnection[]>;
}
