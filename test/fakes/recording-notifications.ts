import type { Notification } from "../../src/domain/notification.ts";
import type { Notifications } from "../../src/domain/ports/notifications.ts";

/** Keeps what the services recorded, in order. */
export class RecordingNotifications implements Notifications {
  readonly recorded: Notification[] = [];

  async record(notification: Notification): Promise<void> {
    this.recorded.push(notification);
  }
}
