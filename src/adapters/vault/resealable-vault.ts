import type { CustomerId } from "../../domain/customer-id.ts";

/** "resealed": it was under an older key and now is under the current one; "current": nothing to do. */
export type ResealOutcome = "resealed" | "current" | "missing";

/**
 * Key rotation, record by record (the rotation CLI walks `listCustomerIds`). Safe while the
 * server serves: a `put` racing a reseal is never overwritten with the older data.
 */
export interface ResealableVault {
  /** @throws DomainError record_unreadable (no held key opens it), storage_unavailable */
  reseal(customerId: CustomerId): Promise<ResealOutcome>;
}
