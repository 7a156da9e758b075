import { describe, expect, test } from "bun:test";
import { googleNotificationsApp } from "../../../src/adapters/http/google-notifications-app.ts";
import { createHttpApp } from "../../../src/adapters/http/http-app.ts";
import { MemoryLogger } from "../../../src/adapters/logging/logger.ts";
import { TokenBucketRateLimiter } from "../../../src/adapters/shared/rate-limiter.ts";
import type { ChannelNotification } from "../../../src/domain/changes/track-calendar-changes.ts";
import { type CustomerId, parseCustomerId } from "../../../src/domain/customer-id.ts";
import { ConnectCalendar } from "../../../src/domain/services/connect-calendar.ts";
import { DisconnectCalendar } from "../../../src/domain/services/disconnect-calendar.ts";
import { GetConnectionStatus } from "../../../src/domain/services/get-connection-status.ts";
import { fakeWorld } from "../../domain/connection-fixtures.ts";

const A = parseCustomerId("acme-a");
const B = parseCustomerId("acme-b");
/** Channels this "server" holds: id → customer and secret token. */
const CHANNELS: Record<string, { customer: CustomerId; token: string }> = {
  "ch-a": { customer: A, token: "secret-a" },
  "ch-b": { customer: B, token: "secret-b" },
};

/** The public endpoint inside the real HTTP app, over a verifier that knows CHANNELS. */
function notificationsWorld(perMinute: number) {
  let now = 1_000_000;
  const verified: ChannelNotification[] = [];
  const scheduled: CustomerId[] = [];
  const limiter = new TokenBucketRateLimiter({ perMinute, now: () => now });
  const world = fakeWorld();
  const app = createHttpApp({
    connect: new ConnectCalendar(world),
    disconnect: new DisconnectCalendar(world),
    status: new GetConnectionStatus(world),
    logger: new MemoryLogger(),
    apiKeys: ["some-api-key-0123456789"],
    maxBodyBytes: 4096,
    health: async () => ({ ok: true, checks: {} }),
    publicApps: {
      "/google/notifications": googleNotificationsApp({
        verify: async (notification) => {
          verified.push(notification);
          const held = CHANNELS[notification.channelId];
          if (held === undefined || held.token !== notification.token) return { outcome: "refused" };
          return notification.resourceState === "sync"
            ? { outcome: "acknowledged" }
            : { outcome: "changed", customerId: held.customer };
        },
        schedule: (customerId) => scheduled.push(customerId),
        limiter,
      }),
    },
  });
  const notify = (channelId: string, token = CHANNELS[channelId]?.token ?? "guess", state = "exists") =>
    app.request("/google/notifications", {
      method: "POST",
      headers: {
        "X-Goog-Channel-ID": channelId,
        "X-Goog-Channel-Token": token,
        "X-Goog-Resource-ID": "res-1",
        "X-Goog-Resource-State": state,
        "X-Goog-Message-Number": "1",
      },
    });
  return { notify, verified, scheduled, limiter, app, advance: (ms: number) => (now += ms) };
}

describe("POST /google/notifications rate limit", () => {
  test("a flood from one channel is refused with 503 rate_limited and Retry-After; others keep working", async () => {
    const { notify, verified, scheduled, advance } = notificationsWorld(3);
    const statuses: number[] = [];
    for (let n = 0; n < 3; n += 1) statuses.push((await notify("ch-a")).status);
    expect(statuses).toEqual([200, 200, 200]);

    for (let n = 0; n < 5; n += 1) {
      const refused = await notify("ch-a");
      expect(refused.status).toBe(503);
      // One token every 20 s at 3 a minute.
      expect(refused.headers.get("retry-after")).toBe("20");
      expect(refused.headers.get("content-type")).toStartWith("application/json");
      expect(await refused.json()).toEqual({
        error: {
          code: "rate_limited",
          message: "Too many notifications for this channel; retry after 20 seconds",
        },
      });
    }
    // Refused ones were never looked up, and synced nothing.
    expect(verified.filter((n) => n.channelId === "ch-a")).toHaveLength(3);
    expect(scheduled).toEqual(Array(3).fill(A));

    // Another channel has its own budget.
    expect((await notify("ch-b")).status).toBe(200);
    expect((await notify("ch-b", "secret-b", "sync")).status).toBe(200);
    expect(scheduled.filter((id) => id === B)).toHaveLength(1);

    // Google's retry after the wait gets through, and syncs.
    advance(20_000);
    expect((await notify("ch-a")).status).toBe(200);
    expect(scheduled.filter((id) => id === A)).toHaveLength(4);
  });

  test("forged notifications spend only their own channel id's budget: 401 until it is spent, then 503", async () => {
    const { notify, scheduled } = notificationsWorld(2);
    expect((await notify("ch-a", "guessed")).status).toBe(401);
    expect((await notify("ch-a", "guessed")).status).toBe(401);
    expect((await notify("ch-a", "guessed")).status).toBe(503);
    expect((await notify("ch-unknown")).status).toBe(401);
    expect((await notify("ch-b")).status).toBe(200);
    expect(scheduled).toEqual([B]);
  });

  test("a channel id longer than Google's 64 characters is no notification: 400, no budget kept for it", async () => {
    const { notify, verified, limiter } = notificationsWorld(2);
    const response = await notify("c".repeat(65));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: "invalid_argument", message: "Not a Google Calendar notification" },
    });
    expect(verified).toHaveLength(0);
    expect(limiter.trackedKeys).toBe(0);
    expect((await notify("c".repeat(64))).status).toBe(401);
  });

  test("0 disables the limit", async () => {
    const { notify, scheduled } = notificationsWorld(0);
    for (let n = 0; n < 50; n += 1) expect((await notify("ch-a")).status).toBe(200);
    expect(scheduled).toHaveLength(50);
  });
});
