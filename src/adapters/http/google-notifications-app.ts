import { Hono } from "hono";
import type {
  ChannelNotification,
  VerifiedNotification,
} from "../../domain/changes/track-calendar-changes.ts";
import type { CustomerId } from "../../domain/customer-id.ts";
import type { AppEnv } from "../shared/app-env.ts";

export interface GoogleNotificationsDeps {
  verify(notification: ChannelNotification): Promise<VerifiedNotification>;
  /** Sync the customer's calendar, later: Google wants its answer quickly. */
  schedule(customerId: CustomerId): void;
}

/**
 * `POST /google/notifications`: Google's push notifications (public: Google sends no API key).
 * Only a notification naming a channel we hold, with that channel's secret token, does
 * anything; the rest get 401 and change nothing. Google sends no body; we read none.
 */
export function googleNotificationsApp(deps: GoogleNotificationsDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post("/", async (c) => {
    const channelId = c.req.header("X-Goog-Channel-ID");
    const resourceState = c.req.header("X-Goog-Resource-State");
    if (channelId === undefined || resourceState === undefined) {
      return c.json(
        { error: { code: "invalid_argument", message: "Not a Google Calendar notification" } },
        400,
      );
    }
    const verified = await deps.verify({
      channelId,
      resourceState,
      token: c.req.header("X-Goog-Channel-Token") ?? null,
      resourceId: c.req.header("X-Goog-Resource-ID") ?? null,
    });
    if (verified.outcome === "refused") {
      return c.json({ error: { code: "unknown_channel", message: "Unknown channel or wrong token" } }, 401);
    }
    if (verified.outcome === "changed") deps.schedule(verified.customerId);
    return c.body(null, 200);
  });
  return app;
}
