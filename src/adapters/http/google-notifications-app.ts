import { Hono } from "hono";
import type {
  ChannelNotification,
  VerifiedNotification,
} from "../../domain/changes/track-calendar-changes.ts";
import type { CustomerId } from "../../domain/customer-id.ts";
import type { AppEnv } from "../shared/app-env.ts";
import type { RateLimiter } from "../shared/rate-limiter.ts";

export interface GoogleNotificationsDeps {
  verify(notification: ChannelNotification): Promise<VerifiedNotification>;
  /** Sync the customer's calendar, later: Google wants its answer quickly. */
  schedule(customerId: CustomerId): void;
  /** Budget per channel id (CALENDAR_SERVER_RATE_LIMIT_PUSH); none means unlimited. */
  limiter?: RateLimiter;
}

/** Google's limit for a channel id (events.watch): longer ones are no notification of ours. */
const MAX_CHANNEL_ID = 64;

/**
 * `POST /google/notifications`: Google's push notifications (public: Google sends no API key).
 * Only a notification naming a channel we hold, with that channel's secret token, does
 * anything; the rest get 401 and change nothing. Google sends no body; we read none.
 *
 * Each channel id has a budget, spent before anything is looked up. Over it the answer is 503
 * with Retry-After: Google retries a 503 later with exponential backoff (a 429 would count as
 * a failed message). Nothing is lost: one sync reads every change since the last one.
 */
export function googleNotificationsApp(deps: GoogleNotificationsDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post("/", async (c) => {
    const channelId = c.req.header("X-Goog-Channel-ID");
    const resourceState = c.req.header("X-Goog-Resource-State");
    if (channelId === undefined || resourceState === undefined || channelId.length > MAX_CHANNEL_ID) {
      return c.json(
        { error: { code: "invalid_argument", message: "Not a Google Calendar notification" } },
        400,
      );
    }
    const decision = deps.limiter?.take(`channel:${channelId}`) ?? { allowed: true };
    if (!decision.allowed) {
      const seconds = decision.retryAfterSeconds;
      return c.json(
        {
          error: {
            code: "rate_limited",
            message: `Too many notifications for this channel; retry after ${seconds} seconds`,
          },
        },
        503,
        { "Retry-After": String(seconds) },
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
