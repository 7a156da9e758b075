import type { Notification } from "../../domain/notification.ts";
import type { Notifications } from "../../domain/ports/notifications.ts";
import { webhookBody } from "./webhook-body.ts";
import type { WebhookOutbox } from "./webhook-outbox.ts";

export interface OutboxNotificationsOptions {
  outbox: WebhookOutbox;
  /** How long delivery is tried before the webhook is dead-lettered. */
  maxAgeMs: number;
  /** Told after a webhook is stored, so delivery starts without waiting for the next poll. */
  onRecorded?: () => void;
}

/** Notifications become webhooks: stored in the outbox (durably) before `record` resolves. */
export class OutboxNotifications implements Notifications {
  readonly #options: OutboxNotificationsOptions;

  constructor(options: OutboxNotificationsOptions) {
    this.#options = options;
  }

  async record(notification: Notification): Promise<void> {
    const createdAt = new Date();
    await this.#options.outbox.add({
      id: newWebhookId(),
      type: notification.type,
      customerId: notification.customerId,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + this.#options.maxAgeMs),
      body: JSON.stringify(webhookBody(notification)),
    });
    this.#options.onRecorded?.();
  }
}

/** `msg_` and 22 base64url characters (128 random bits). */
export function newWebhookId(): string {
  return `msg_${Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64url")}`;
}

/** Webhooks off: nothing is stored, nothing sent. */
export const NO_NOTIFICATIONS: Notifications = { record: async () => {} };
