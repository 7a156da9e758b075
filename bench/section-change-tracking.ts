import { GoogleCalendarGateway } from "../src/adapters/google/google-calendar-gateway.ts";
import { GoogleCalendarWatch } from "../src/adapters/google/google-calendar-watch.ts";
import { InProcessCustomerLock } from "../src/adapters/system/in-process-customer-lock.ts";
import { SystemClock } from "../src/adapters/system/system-clock.ts";
import { SyncQueue } from "../src/app/change-tracking.ts";
import { PollCalendarChanges } from "../src/domain/changes/poll-calendar-changes.ts";
import { TrackCalendarChanges } from "../src/domain/changes/track-calendar-changes.ts";
import { parseCustomerId } from "../src/domain/customer-id.ts";
import type { Notification } from "../src/domain/notification.ts";
import { InMemoryOwnWrites, InMemoryTrackedCalendars } from "../test/fakes/in-memory-change-tracking.ts";
import { startGoogleEmulator } from "../tools/google-emulator/src/google-emulator.ts";
import { issueAccessToken } from "../tools/google-emulator/src/oauth/grants.ts";

/**
 * Section 5: what following a calendar costs in Google Calendar requests, per connected
 * customer per day, for push (events.watch + sync tokens) against polling
 * (GOOGLE_CHANGE_POLL_SECONDS). Both are measured at the emulator on one customer — requests per
 * change (push) and per poll — then scaled to a day at the given change rates. Token refreshes
 * (oauth.token) are counted apart: a poller uses its token all day (one refresh an hour), push
 * only when a change arrives.
 */

/** As configured by default (GOOGLE_RETRY_*). */
const BENCH_RETRY = { attempts: 3, baseDelayMs: 250, maxDelayMs: 4000 };

export interface ChangeTrackingSizes {
  /** Changes made at Google while measuring. */
  changes: number;
  /** Events in the polled window (pages of 250). */
  eventsInWindow: number;
  changesPerDay: number[];
  pollSeconds: number[];
}

export interface ChangeTrackingRow {
  mode: string;
  changesPerDay: number;
  calendarRequestsPerDay: number;
  tokenRefreshesPerDay: number;
}

export interface ChangeTrackingSection {
  measured: {
    /** Calendar requests to begin following a customer. */
    watchStart: number;
    /** Calendar requests per change, each notified and synced on its own (the worst case). */
    watchPerChange: number;
    /** events.watch + channels.stop per renewal, once per channel lifetime (days). */
    renewalRequests: number;
    channelLifetimeDays: number;
    /** Calendar requests per poll (list pages, plus a lookup per vanished event). */
    pollPerPoll: number;
    /** Extra lookups per deleted event found by polling. */
    pollPerDeletion: number;
  };
  rows: ChangeTrackingRow[];
}

const EMAIL = "bench-changes@example.com";
const CUSTOMER = parseCustomerId("bench-changes");

export async function benchChangeTracking(
  sizes: ChangeTrackingSizes,
  log: (line: string) => void,
): Promise<ChangeTrackingSection> {
  const emulator = await startGoogleEmulator({ accounts: [{ email: EMAIL }] });
  const calls = (): number =>
    [...emulator.state.counters.calendarCalls.values()].reduce((sum, count) => sum + count, 0);
  const accessToken = issueAccessToken(emulator.state, {
    clientId: "bench",
    email: EMAIL,
    scopes: ["https://www.googleapis.com/auth/calendar"],
    grantId: "bench",
  }).token;
  const tokens = {
    execute: async () => ({ accessToken, scopes: [], email: EMAIL }),
    afterRejection: async () => ({ accessToken, scopes: [], email: EMAIL }),
  };
  const notified: Notification[] = [];
  const common = {
    tokens,
    tracked: new InMemoryTrackedCalendars(),
    ownWrites: new InMemoryOwnWrites(),
    notifications: { record: async (n: Notification) => void notified.push(n) },
    lock: new InProcessCustomerLock(),
    clock: new SystemClock(),
  };
  const direct = (method: string, path: string, body?: unknown) =>
    fetch(`${emulator.url}/calendar/v3/calendars/primary/events${path}`, {
      method,
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }).then((response) => (response.status === 204 ? {} : response.json()) as Promise<{ id: string }>);
  const day = (n: number) => new Date(Date.now() + (n % 20) * 86_400_000).toISOString().slice(0, 10);
  const dayAfter = (n: number) =>
    new Date(Date.now() + ((n % 20) + 1) * 86_400_000).toISOString().slice(0, 10);
  try {
    for (let n = 0; n < sizes.eventsInWindow; n += 1) {
      await direct("POST", "", {
        summary: `Existing ${n}`,
        start: { date: day(n) },
        end: { date: dayAfter(n) },
      });
    }

    // Push: Google notifies our endpoint; each notification syncs.
    const tracker = new TrackCalendarChanges({
      ...common,
      watch: new GoogleCalendarWatch({ rootUrl: `${emulator.url}/`, retry: BENCH_RETRY }),
      address: "",
    });
    const queue = new SyncQueue(
      (id) => tracker.sync(id).then(() => undefined),
      () => undefined,
    );
    const endpoint = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: async (request) => {
        const verified = await tracker.verify({
          channelId: request.headers.get("x-goog-channel-id") ?? "",
          token: request.headers.get("x-goog-channel-token"),
          resourceId: request.headers.get("x-goog-resource-id"),
          resourceState: request.headers.get("x-goog-resource-state") ?? "",
        });
        if (verified.outcome === "changed") queue.schedule(verified.customerId);
        return new Response(null, { status: verified.outcome === "refused" ? 401 : 200 });
      },
    });
    const pushed = new TrackCalendarChanges({
      ...common,
      watch: new GoogleCalendarWatch({ rootUrl: `${emulator.url}/`, retry: BENCH_RETRY }),
      address: `http://127.0.0.1:${endpoint.port}/`,
    });
    let before = calls();
    await pushed.start(CUSTOMER);
    const watchStart = calls() - before;
    await Bun.sleep(100);
    let writes = 0;
    before = calls();
    for (let n = 0; n < sizes.changes; n += 1) {
      await direct("POST", "", {
        summary: `Change ${n}`,
        start: { date: day(n) },
        end: { date: dayAfter(n) },
      });
      writes += 1;
      // Far enough apart that every notification syncs on its own.
      await Bun.sleep(60);
      await queue.idle();
    }
    await Bun.sleep(100);
    await queue.idle();
    const watchPerChange = (calls() - before - writes) / sizes.changes;
    before = calls();
    await pushed.stop(CUSTOMER);
    endpoint.stop(true);
    log(`  push: ${watchStart} request(s) to start, ${watchPerChange.toFixed(2)} per change`);

    // Poll: read the window, diff it.
    const poller = new PollCalendarChanges({
      ...common,
      calendar: new GoogleCalendarGateway({ rootUrl: `${emulator.url}/`, retry: BENCH_RETRY }),
    });
    await poller.start(CUSTOMER);
    before = calls();
    const polls = Math.max(1, sizes.changes);
    for (let n = 0; n < polls; n += 1) await poller.poll(CUSTOMER);
    const pollPerPoll = (calls() - before) / polls;
    const victim = await direct("POST", "", {
      summary: "To delete",
      start: { date: day(1) },
      end: { date: dayAfter(1) },
    });
    await poller.poll(CUSTOMER);
    await direct("DELETE", `/${victim.id}`);
    before = calls();
    await poller.poll(CUSTOMER);
    const pollPerDeletion = calls() - before - pollPerPoll;
    log(`  poll: ${pollPerPoll.toFixed(2)} request(s) per poll, +${pollPerDeletion} per deletion`);

    const channelLifetimeDays = 7;
    const renewalRequests = 2;
    const rows: ChangeTrackingRow[] = [];
    for (const changesPerDay of sizes.changesPerDay) {
      rows.push({
        mode: "push (events.watch)",
        changesPerDay,
        calendarRequestsPerDay: round(changesPerDay * watchPerChange + renewalRequests / channelLifetimeDays),
        tokenRefreshesPerDay: Math.min(24, changesPerDay),
      });
      for (const seconds of sizes.pollSeconds) {
        // Deletions taken as a third of the changes.
        const perDay = (86_400 / seconds) * pollPerPoll + (changesPerDay / 3) * pollPerDeletion;
        rows.push({
          mode: `poll every ${seconds} s`,
          changesPerDay,
          calendarRequestsPerDay: round(perDay),
          tokenRefreshesPerDay: 24,
        });
      }
    }
    return {
      measured: {
        watchStart,
        watchPerChange,
        renewalRequests,
        channelLifetimeDays,
        pollPerPoll,
        pollPerDeletion,
      },
      rows,
    };
  } finally {
    await emulator.stop();
  }
}

export function changeTrackingTable(section: ChangeTrackingSection): string {
  const m = section.measured;
  const lines = [
    `measured: push ${m.watchStart} to start, ${m.watchPerChange.toFixed(2)} per change, ${m.renewalRequests} per renewal every ${m.channelLifetimeDays} days; poll ${m.pollPerPoll.toFixed(2)} per poll, +${m.pollPerDeletion} per deletion`,
    "mode                    changes/day  Calendar requests/day  token refreshes/day",
  ];
  for (const row of section.rows) {
    lines.push(
      `${row.mode.padEnd(24)}${String(row.changesPerDay).padStart(11)}  ${String(row.calendarRequestsPerDay).padStart(21)}  ${String(row.tokenRefreshesPerDay).padStart(19)}`,
    );
  }
  return lines.join("\n");
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
