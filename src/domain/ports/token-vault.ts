import type { Connection } from "../connection.ts";
import type { CustomerId } from "../customer-id.ts";
import type { Notification } from "../notification.ts";

/** What goes with a write to the store. */
export interface VaultWriteOptions {
  /**
   * What the AI backend is told about this write, recorded durably (the webhook outbox) in the
   * same atomic step as the write: a crash keeps both or neither. Recorded only when the write
   * happens (not for an `update` of a gone record, nor a `delete` of none); a store opened with
   * webhooks off records nothing.
   */
  notify?: Notification;
}

/**
 * Where connections (and so tokens) live. Adapters seal every record; a caller only ever
 * sees plain `Connection`s.
 *
 * Every method may throw DomainError `storage_unavailable` when the store cannot be reached;
 * `get` throws `record_unreadable` when a record exists but cannot be opened (tampered,
 * copied from another customer, or sealed with a key we no longer hold).
 */
export interface TokenVault {
  get(customerId: CustomerId): Promise<Connection | null>;
  /** Insert or replace, atomically: a reader sees the old record or the new one, never a mix. */
  put(connection: Connection, options?: VaultWriteOptions): Promise<void>;
  /**
   * Replace the customer's record only if one still exists, atomically against `delete` from any
   * process sharing the store: a write that would bring back a record deleted meanwhile (an
   * operator's disconnect racing a refresh) writes nothing.
   * @returns whether it was written
   */
  update(connection: Connection, options?: VaultWriteOptions): Promise<boolean>;
  /** @returns whether a record existed */
  delete(customerId: CustomerId, options?: VaultWriteOptions): Promise<boolean>;
  /** Every stored customer id, in no particular order; opens no record. */
  listCustomerIds(): AsyncIterable<CustomerId>;
}
