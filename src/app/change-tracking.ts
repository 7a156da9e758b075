import type { Hono } from "hono";
import { GoogleCalendarWatch } from "../adapters/google/google-calendar-watch.ts";
import type { GoogleCallObserver } from "../adapters/google/google-call-observer.ts";
import { googleNotificationsApp } from "../adapters/http/google-notifications-app.ts";
import { type Logger, loggedErrorCode } from "../adapters/logging/logger.ts";
import type { AppEnv } from "../adapters/shared/app-env.ts";
import { TokenBucketRateLimiter } from "../adapters/shared/rate-limiter.ts";
import { PollCalendarChanges } from "../domain/changes/poll-calendar-changes.ts";
import { TrackCalendarChanges } from "../domain/changes/track-calendar-changes.ts";
import type { CustomerId } from "../domain/customer-id.ts";
import type { CalendarGateway } from "../domain/ports/calendar-gateway.ts";
import type { Clock } from "../domain/ports/clock.ts";
import type { Notifications } from "../domain/ports/notifications.ts";
import type { AccessTokens } from "../domain/services/with-access-token.ts";
import type { Config } from "./config.ts";
import type { Storage } from "./storage.ts";

/** Following customers' calendars: begun on connect, ended before disconnect. */
export interface ChangeTracker {
  begin(customerId: CustomerId): Promise<void>;
  /** Begin unless someone already follows the customer. */
  ensure(customerId: CustomerId): Promise<boolean>;
  end(customerId: CustomerId): Promise<void>;
}

export interface ChangeTracking {
  tracker: ChangeTracker;
  /** `POST /google/notifications`, when Google pushes (not when polling). */
  notificationsApp: Hono<AppEnv> | null;
  /** Timers: channel renewal, or polling. */
  start(): void;
  stop(): void;
}

export interface ChangeTrackingDeps {
  tokens: AccessTokens;
  calendar: CalendarGateway;
  notifications: Notifications;
  clock: Clock;
  logger: Logger;
  observe?: GoogleCallObserver;
}

const RENEW_EVERY_MS = 10 * 60 * 1000;
/** The first look for connected customers nobody follows, once the server is up. */
const FIRST_RECONCILE_MS = 5000;

/**
 * Change tracking for this configuration, or null when webhooks are off (nobody would hear of
 * the changes, and every watch, sync and poll costs Google quota).
 */
export function composeChangeTracking(
  config: Config,
  storage: Storage,
  deps: ChangeTrackingDeps,
): ChangeTracking | null {
  if (config.webhooks === null) return null;
  const { tracked, ownWrites, lock } = storage;
  const { tokens, notifications, clock, logger } = deps;
  const failed = (what: string, customerId: CustomerId | null) => (error: unknown) => {
    logger.log("warn", "calendar_changes_failed", {
      what,
      ...(customerId === null ? {} : { customer_id: customerId }),
      error: loggedErrorCode(error),
    });
  };
  const common = { tokens, tracked, ownWrites, notifications, lock, clock };

  if (config.changes.pollSeconds > 0) {
    const poller = new PollCalendarChanges({ ...common, calendar: deps.calendar });
    let timer: ReturnType<typeof setInterval> | null = null;
    let first: ReturnType<typeof setTimeout> | null = null;
    let polling = false;
    return {
      tracker: {
        begin: (id) => poller.start(id),
        ensure: (id) => poller.ensure(id),
        end: (id) => poller.stop(id),
      },
      notificationsApp: null,
      start: () => {
        first = reconcileSoon(storage, poller, failed);
        timer = setInterval(() => {
          if (polling) return;
          polling = true;
          void poller.pollAll((id, error) => failed("poll", id)(error)).finally(() => (polling = false));
        }, config.changes.pollSeconds * 1000);
        timer.unref();
      },
      stop: () => {
        if (timer !== null) clearInterval(timer);
        if (first !== null) clearTimeout(first);
      },
    };
  }

  const watch = new GoogleCalendarWatch({
    rootUrl: config.google.calendarApiUrl,
    timeoutMs: config.google.timeoutMs,
    retry: config.google.retry,
    ...(deps.observe === undefined ? {} : { observe: deps.observe }),
  });
  const changes = new TrackCalendarChanges({
    ...common,
    watch,
    address: `${config.server.baseUrl}/google/notifications`,
  });
  const queue = new SyncQueue(
    (id) => changes.sync(id).then(() => undefined),
    (id, error) => failed("sync", id)(error),
  );
  let timer: ReturnType<typeof setInterval> | null = null;
  let first: ReturnType<typeof setTimeout> | null = null;
  return {
    tracker: {
      begin: (id) => changes.start(id),
      ensure: (id) => changes.ensure(id),
      end: (id) => changes.stop(id),
    },
    notificationsApp: googleNotificationsApp({
      verify: (notification) => changes.verify(notification),
      schedule: (id) => queue.schedule(id),
      // Wall time, like the other budgets.
      limiter: new TokenBucketRateLimiter({ perMinute: config.server.rateLimitPush }),
    }),
    start: () => {
      first = reconcileSoon(storage, changes, failed);
      timer = setInterval(() => {
        void changes.renewExpiring().catch(failed("renew", null));
        void reconcile(storage, changes, failed);
      }, RENEW_EVERY_MS);
      timer.unref();
    },
    stop: () => {
      if (timer !== null) clearInterval(timer);
      if (first !== null) clearTimeout(first);
    },
  };
}

type Failed = (what: string, customerId: CustomerId | null) => (error: unknown) => void;

/**
 * Follow every stored customer nobody follows: those connected before webhooks were turned on,
 * or whose server stopped right after their callback. Customers who must reconnect fail at once,
 * without a call to Google, and are tried again next time.
 */
export async function reconcile(
  storage: Pick<Storage, "vault" | "tracked">,
  tracker: { ensure(customerId: CustomerId): Promise<boolean> },
  failed: Failed,
): Promise<number> {
  try {
    const followed = new Set(await storage.tracked.customerIds());
    let begun = 0;
    for await (const customerId of storage.vault.listCustomerIds()) {
      if (followed.has(customerId)) continue;
      const began = await tracker.ensure(customerId).then(
        (done) => done,
        (error: unknown) => {
          failed("reconcile", customerId)(error);
          return false;
        },
      );
      if (began) begun += 1;
    }
    return begun;
  } catch (error) {
    failed("reconcile", null)(error);
    return 0;
  }
}

function reconcileSoon(
  storage: Storage,
  tracker: { ensure(customerId: CustomerId): Promise<boolean> },
  failed: Failed,
): ReturnType<typeof setTimeout> {
  const timer = setTimeout(() => void reconcile(storage, tracker, failed), FIRST_RECONCILE_MS);
  timer.unref();
  return timer;
}

/**
 * Syncs in the background, one at a time per customer: notifications arriving while one runs
 * fold into one more run after it, however many they are.
 */
export class SyncQueue {
  readonly #running = new Map<CustomerId, Promise<void>>();
  readonly #again = new Set<CustomerId>();

  constructor(
    private readonly run: (customerId: CustomerId) => Promise<void>,
    private readonly onError: (customerId: CustomerId, error: unknown) => void,
  ) {}

  schedule(customerId: CustomerId): void {
    if (this.#running.has(customerId)) {
      this.#again.add(customerId);
      return;
    }
    const loop = async (): Promise<void> => {
      do {
        this.#again.delete(customerId);
        await this.run(customerId).catch((error: unknown) => this.onError(customerId, error));
      } while (this.#again.has(customerId));
      this.#running.delete(customerId);
    };
    this.#running.set(customerId, loop());
  }

  /** Resolves when nothing is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running.values());
  }
}
