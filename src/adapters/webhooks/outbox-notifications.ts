import type { Notification } from "../../domain/notification.ts";
import type { Notifications } from "../../domain/ports/notifications.ts";
import type { NotificationWebhooks } from "./notification-webhooks.ts";
import type { WebhookOutbox } from "./webhook-outbox.ts";

export interface OutboxNotificationsOptions {
  outbox: WebhookOutbox;
  webhooks: NotificationWebhooks;
}

/**
 * Notifications with no connection write (calendar changes) become webhooks: stored in the
 * outbox (durably) before `record` resolves.
 */
export class OutboxNotifications implements Notifications {
  readonly #options: OutboxNotificationsOptions;

  constructor(options: OutboxNotificationsOptions) {
    this.#options = options;
  }

  async record(notification: Notification): Promise<void> {
    const { outbox, webhooks } = this.#options;
    await outbox.add(webhooks.webhookOf(notification));
    webhooks.recorded();
  }
}

/** Webhooks off: nothing is stored, nothing sent. */
export const NO_NOTIFICATIONS: Notifications = { record: async () => {} };
