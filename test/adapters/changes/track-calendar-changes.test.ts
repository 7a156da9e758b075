import { afterEach, describe, expect, test } from "bun:test";
import { GoogleCalendarWatch } from "../../../src/adapters/google/google-calendar-watch.ts";
import { InProcessCustomerLock } from "../../../src/adapters/system/in-process-customer-lock.ts";
import { TrackCalendarChanges } from "../../../src/domain/changes/track-calendar-changes.ts";
import { parseCustomerId } from "../../../src/domain/customer-id.ts";
import { DomainError } from "../../../src/domain/errors.ts";
import { channelsOf } from "../../../tools/google-emulator/src/calendar/watch-channels.ts";
import {
  type RunningGoogleEmulator,
  startGoogleEmulator,
} from "../../../tools/google-emulator/src/google-emulator.ts";
import { issueAccessToken } from "../../../tools/google-emulator/src/oauth/grants.ts";
import { FixedClock } from "../../fakes/fixed-clock.ts";
import { InMemoryOwnWrites, InMemoryTrackedCalendars } from "../../fakes/in-memory-change-tracking.ts";
import { RecordingNotifications } from "../../fakes/recording-notifications.ts";

const EMAIL = "ana@example.com";
const CUSTOMER = parseCustomerId("acme-1");
let emulator: RunningGoogleEmulator | null = null;
let receiver: ReturnType<typeof Bun.serve> | null = null;
afterEach(async () => {
  await emulator?.stop();
  receiver?.stop(true);
});

/** TrackCalendarChanges over the real Google adapter and the emulator; notifications land nowhere. */
async function setUp(instances = 1) {
  emulator = await startGoogleEmulator({ accounts: [{ email: EMAIL }] });
  receiver = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response(null, { status: 200 }) });
  const accessToken = issueAccessToken(emulator.state, {
    clientId: "c",
    email: EMAIL,
    scopes: ["https://www.googleapis.com/auth/calendar.events"],
    grantId: "g",
  }).token;
  const shared = {
    tokens: {
      execute: async () => ({ accessToken, scopes: [], email: EMAIL }),
      afterRejection: async () => ({ accessToken, scopes: [], email: EMAIL }),
    },
    watch: new GoogleCalendarWatch({
      rootUrl: `${emulator.url}/`,
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    }),
    tracked: new InMemoryTrackedCalendars(),
    ownWrites: new InMemoryOwnWrites(),
    notifications: new RecordingNotifications(),
    // One lock for all "instances", as PostgreSQL's advisory locks are for real ones.
    lock: new InProcessCustomerLock(),
    clock: new FixedClock(new Date()),
    address: `http://127.0.0.1:${receiver.port}/google/notifications`,
  };
  const trackers = Array.from({ length: instances }, () => new TrackCalendarChanges(shared));
  return { ...shared, trackers, state: emulator.state };
}

describe("TrackCalendarChanges against the emulator", () => {
  test("start opens one channel for the asked lifetime; starting again replaces and stops the old one", async () => {
    const { trackers, tracked, state } = await setUp();
    const [tracker] = trackers as [TrackCalendarChanges];
    await tracker.start(CUSTOMER);
    const first = (await tracked.get(CUSTOMER))?.channel;
    // Google's default lifetime, one week.
    expect(first?.expiration.getTime()).toBeGreaterThan(Date.now() + 604_000_000);
    await tracker.start(CUSTOMER);
    const second = (await tracked.get(CUSTOMER))?.channel;
    expect(second?.id).not.toBe(first?.id);
    expect([...channelsOf(state).byId.keys()]).toEqual([second?.id as string]);
    expect(state.counters.calendarCalls.get("channels.stop")).toBe(1);
  });

  test("channels close to expiry are renewed by one instance only, the old one stopped", async () => {
    const { trackers, tracked, state } = await setUp(3);
    await trackers[0]?.start(CUSTOMER);
    expect(await trackers[0]?.renewExpiring()).toBe(0);
    // Six days later: the channel expires within the one-day margin.
    const stored = await tracked.get(CUSTOMER);
    const old = stored?.channel;
    if (stored === null || old == null) throw new Error("not tracked");
    await tracked.put({ ...stored, channel: { ...old, expiration: new Date(Date.now() + 3600_000) } });
    const counts = await Promise.all(trackers.map((tracker) => tracker.renewExpiring()));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
    const renewed = (await tracked.get(CUSTOMER))?.channel;
    expect(renewed?.id).not.toBe(old.id);
    expect([...channelsOf(state).byId.keys()]).toEqual([renewed?.id as string]);
    expect(state.counters.calendarCalls.get("events.watch")).toBe(2);
  });

  test("ensure follows an unfollowed customer once; a followed one is left as it is", async () => {
    const { trackers, state } = await setUp(2);
    const results = await Promise.all(trackers.map((tracker) => tracker.ensure(CUSTOMER)));
    expect(results.sort()).toEqual([false, true]);
    expect(channelsOf(state).byId.size).toBe(1);
    expect(state.counters.calendarCalls.get("events.watch")).toBe(1);
  });

  test("start over a record no key opens begins afresh; a store that cannot be read changes nothing", async () => {
    const { trackers, tracked, state } = await setUp();
    const [tracker] = trackers as [TrackCalendarChanges];
    await tracker.start(CUSTOMER);
    const before = await tracked.get(CUSTOMER);
    const read = tracked.get.bind(tracked);
    tracked.get = async () => {
      throw new DomainError("storage_unavailable", "the store is down");
    };
    await expect(tracker.start(CUSTOMER)).rejects.toMatchObject({ code: "storage_unavailable" });
    await expect(tracker.ensure(CUSTOMER)).rejects.toMatchObject({ code: "storage_unavailable" });
    tracked.get = read;
    expect(await tracked.get(CUSTOMER)).toEqual(before);
    expect(state.counters.calendarCalls.get("events.watch")).toBe(1);

    tracked.get = async () => {
      throw new DomainError("record_unreadable", "sealed with a key we no longer hold");
    };
    await tracker.start(CUSTOMER);
    tracked.get = read;
    const after = await tracked.get(CUSTOMER);
    expect(after?.channel?.id).not.toBe(before?.channel?.id);
    expect(state.counters.calendarCalls.get("events.watch")).toBe(2);
  });

  test("verify: only our channel with its token and resource id counts; an unreadable record refuses", async () => {
    const { trackers, tracked } = await setUp();
    const [tracker] = trackers as [TrackCalendarChanges];
    await tracker.start(CUSTOMER);
    const channel = (await tracked.get(CUSTOMER))?.channel;
    if (channel == null) throw new Error("no channel");
    const genuine = {
      channelId: channel.id,
      token: channel.token,
      resourceId: channel.resourceId,
      resourceState: "exists",
    };
    expect(await tracker.verify(genuine)).toEqual({ outcome: "changed", customerId: CUSTOMER });
    expect(await tracker.verify({ ...genuine, resourceState: "sync" })).toEqual({ outcome: "acknowledged" });
    expect(await tracker.verify({ ...genuine, token: `${channel.token}x` })).toEqual({ outcome: "refused" });
    expect(await tracker.verify({ ...genuine, token: null })).toEqual({ outcome: "refused" });
    expect(await tracker.verify({ ...genuine, resourceId: "other" })).toEqual({ outcome: "refused" });
    expect(await tracker.verify({ ...genuine, channelId: "ch-other" })).toEqual({ outcome: "refused" });
    tracked.get = async () => {
      throw new DomainError("record_unreadable", "sealed with a key we no longer hold");
    };
    expect(await tracker.verify(genuine)).toEqual({ outcome: "refused" });
  });

  test("a recurring series: one occurrence moved or cancelled at Google is reported as that occurrence", async () => {
    const { trackers, notifications, state } = await setUp();
    const [tracker] = trackers as [TrackCalendarChanges];
    const token = [...state.accessTokens.keys()][0] as string;
    const google = (method: string, path: string, body?: unknown) =>
      fetch(`${emulator?.url}/calendar/v3/calendars/primary/events${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).then(async (r) => {
        const body = r.status === 204 ? {} : await r.json();
        if (r.status >= 300) throw new Error(JSON.stringify(body));
        return body as { id: string };
      });
    const series = await google("POST", "", {
      summary: "Weekly sync",
      start: { dateTime: "2026-03-03T10:00:00Z", timeZone: "UTC" },
      end: { dateTime: "2026-03-03T11:00:00Z", timeZone: "UTC" },
      recurrence: ["RRULE:FREQ=WEEKLY;COUNT=5"],
    });
    await tracker.start(CUSTOMER);
    await google("PATCH", `/${series.id}_20260310T100000Z`, {
      start: { dateTime: "2026-03-10T12:00:00Z" },
      end: { dateTime: "2026-03-10T13:00:00Z" },
    });
    await google("DELETE", `/${series.id}_20260317T100000Z`);
    await tracker.sync(CUSTOMER);
    await tracker.sync(CUSTOMER);
    const reported = notifications.recorded.flatMap((n) =>
      n.type === "calendar.events_changed" ? n.changes : [],
    );
    expect(reported.map((c) => [c.change, c.eventId, c.summary])).toEqual([
      ["updated", `${series.id}_20260310T100000Z`, "Weekly sync"],
      ["cancelled", `${series.id}_20260317T100000Z`, "Weekly sync"],
    ]);
  });

  test("stop ends the channel at Google and forgets the calendar", async () => {
    const { trackers, tracked, state } = await setUp();
    await trackers[0]?.start(CUSTOMER);
    await trackers[0]?.stop(CUSTOMER);
    expect(channelsOf(state).byId.size).toBe(0);
    expect(await tracked.get(CUSTOMER)).toBeNull();
  });
});
