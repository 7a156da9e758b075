import type { Notification } from "../notification.ts";

/**
 * Where notifications that go with no connection write (calendar changes) are recorded for the
 * AI backend; a connection's own notifications go with its write (`TokenVault`'s `notify`).
 * `record` resolves once the notification is stored durably (delivery happens later, at least
 * once); with webhooks off it does nothing.
 * @throws DomainError storage_unavailable when the store cannot be reached
 */
export interface Notifications {
  record(notification: Notification): Promise<void>;
}
