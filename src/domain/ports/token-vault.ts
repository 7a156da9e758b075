import type { Connection } from "../connection.ts";
import type { CustomerId } from "../customer-id.ts";

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
  put(connection: Connection): Promise<void>;
  /**
   * Replace the customer's record only if one still exists, atomically against `delete` from any
   * process sharing the store: a write that would bring back a record deleted meanwhile (an
   * operator's disconnect racing a refresh) writes nothing.
   * @returns whether it was written
   */
  update(connection: Connection): Promise<boolean>;
  /** @returns whether a record existed */
  delete(customerId: CustomerId): Promise<boolean>;
  /** Every stored customer id, in no particular order; opens no record. */
  listCustomerIds(): AsyncIterable<CustomerId>;
}
