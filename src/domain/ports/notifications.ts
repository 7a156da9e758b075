import type { Notification } from "../notification.ts";

/**
 * Where notifications for the AI backend go. `record` resolves once the notification is stored
 * durably (delivery happens later, at least once); with webhooks off it does nothing.
 * @throws DomainError storage_unavailable when the store cannot be reached
 */
export interface Notifications {
  record(notification: Notification): Promise<void>;
}
