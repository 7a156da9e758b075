import type { Notification } from "../../domain/notification.ts";
import { webhookBody } from "./webhook-body.ts";
import type { NewWebhook } from "./webhook-outbox.ts";

export interface NotificationWebhooksOptions {
  /** How long delivery is tried before the webhook is dead-lettered. */
  maxAgeMs: number;
}

/**
 * How a notification becomes a webhook in the outbox (a fresh id, its body, how long delivery is
 * tried), and who hears that one was stored. Every writer of the outbox shares one: the
 * notifications port (calendar changes) and the vaults, which store a connection's webhook in the
 * same step as its write. Present only when webhooks are on.
 */
export class NotificationWebhooks {
  readonly #maxAgeMs: number;
  readonly #listeners: Array<() => void> = [];

  constructor(options: NotificationWebhooksOptions) {
    this.#maxAgeMs = options.maxAgeMs;
  }

  webhookOf(notification: Notification): NewWebhook {
    const createdAt = new Date();
    return {
      id: newWebhookId(),
      type: notification.type,
      customerId: notification.customerId,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + this.#maxAgeMs),
      body: JSON.stringify(webhookBody(notification)),
    };
  }

  /** `listener` hears of every webhook stored from now on (the deliverer's nudge). */
  onRecorded(listener: () => void): void {
    this.#listeners.push(listener);
  }

  /** Said by a writer once a webhook is durably stored, so delivery starts without waiting for a poll. */
  recorded(): void {
    for (const listener of this.#listeners) listener();
  }
}

/** `msg_` and 22 base64url characters (128 random bits). */
export function newWebhookId(): string {
  return `msg_${Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64url")}`;
}
