import type { CustomerId } from "../customer-id.ts";
import { unreadableAsMissing } from "../errors.ts";
import type { CalendarWatch, ChangeBatch } from "../ports/calendar-watch.ts";
import type { OwnWrites, TrackedCalendar, TrackedCalendars, WatchChannel } from "../ports/change-tracking.ts";
import type { Clock } from "../ports/clock.ts";
import type { CustomerLock } from "../ports/customer-lock.ts";
import type { Notifications } from "../ports/notifications.ts";
import { randomToken } from "../random.ts";
import { type AccessTokens, withAccessToken } from "../services/with-access-token.ts";
import { applyChanges, type Diff, diffFullListing, sameSecret, toEventChanges } from "./event-diff.ts";

export interface TrackCalendarChangesDeps {
  tokens: AccessTokens;
  watch: CalendarWatch;
  tracked: TrackedCalendars;
  ownWrites: OwnWrites;
  notifications: Notifications;
  lock: CustomerLock;
  clock: Clock;
  /** Our public `POST /google/notifications` URL. */
  address: string;
  /** Lifetime asked for each channel. Default one week (Google's default). */
  channelTtlSeconds?: number;
  /** Channels expiring within this margin are replaced. Default one day. */
  renewBeforeMs?: number;
}

/** What a Google notification carries in its X-Goog-* headers. */
export interface ChannelNotification {
  channelId: string;
  token: string | null;
  resourceId: string | null;
  resourceState: string;
}

export type VerifiedNotification =
  | { outcome: "refused" | "acknowledged" }
  | { outcome: "changed"; customerId: CustomerId };

const CALENDAR = "primary";
const ONE_WEEK_SECONDS = 604_800;
const ONE_DAY_MS = 86_400_000;

/**
 * Follows a customer's primary calendar through Google's push channels and sync tokens, and
 * reports its changes as `calendar.events_changed`. Everything for one customer runs under the
 * customer's booking lock (shared by every instance), and re-reads the stored state once the
 * lock is held: of two instances handed the same notification, the second finds nothing new.
 */
export class TrackCalendarChanges {
  readonly #deps: TrackCalendarChangesDeps;

  constructor(deps: TrackCalendarChangesDeps) {
    this.#deps = deps;
  }

  /**
   * Begin, or begin again after a reconnect: a full listing, diffed against what was seen
   * before (so changes made while we were not following are still reported), then a fresh
   * channel; the one it replaces is stopped.
   */
  async start(customerId: CustomerId): Promise<void> {
    await this.#begin(customerId, false);
  }

  /**
   * Follow a customer nobody follows yet (connected before webhooks were on, or a server stopped
   * right after their callback); does nothing when the calendar is already followed.
   * @returns whether following began now
   */
  async ensure(customerId: CustomerId): Promise<boolean> {
    return this.#begin(customerId, true);
  }

  async #begin(customerId: CustomerId, onlyIfUntracked: boolean): Promise<boolean> {
    return this.#locked(customerId, async () => {
      // A record no held key opens is started over; a store that cannot be read stops here, or
      // following afresh would drop what was seen and leave the old channel open.
      const previous = await this.#deps.tracked.get(customerId).catch(unreadableAsMissing);
      if (onlyIfUntracked && previous !== null) return false;
      const full = await this.#changes(customerId, null);
      if (full === "full_sync_required") return false;
      const diff = diffFullListing(previous?.seen ?? {}, full.events);
      const tracked: TrackedCalendar = {
        customerId,
        calendarId: CALENDAR,
        syncToken: full.nextSyncToken,
        seen: diff.seen,
        channel: await this.#open(customerId),
        checkedAt: this.#deps.clock.now(),
      };
      if (previous !== null) await this.#report(tracked, diff);
      await this.#deps.tracked.put(tracked);
      if (previous?.channel != null) await this.#close(customerId, previous.channel);
      return true;
    });
  }

  /**
   * Verify a notification: its channel must be one we hold, with our token and resource id.
   * A forged or stale one is refused and changes nothing; `sync` messages need nothing more;
   * a change names the customer whose calendar to `sync`.
   */
  async verify(notification: ChannelNotification): Promise<VerifiedNotification> {
    const customerId = await this.#deps.tracked.findByChannel(notification.channelId);
    if (customerId === null) return { outcome: "refused" };
    // A record no held key opens cannot vouch for anything: refused like a stranger.
    const tracked = await this.#deps.tracked.get(customerId).catch(unreadableAsMissing);
    const channel = tracked?.channel;
    const genuine =
      channel != null &&
      channel.id === notification.channelId &&
      notification.token !== null &&
      sameSecret(channel.token, notification.token) &&
      (notification.resourceId === null || notification.resourceId === channel.resourceId);
    if (!genuine) return { outcome: "refused" };
    return notification.resourceState === "sync"
      ? { outcome: "acknowledged" }
      : { outcome: "changed", customerId };
  }

  /** Read what changed since the stored sync token and report it. */
  async sync(customerId: CustomerId): Promise<number> {
    return this.#locked(customerId, async () => {
      const tracked = await this.#deps.tracked.get(customerId);
      if (tracked === null) return 0;
      let diff: Diff;
      let nextSyncToken: string;
      const batch =
        tracked.syncToken === null
          ? "full_sync_required"
          : await this.#changes(customerId, tracked.syncToken);
      if (batch === "full_sync_required") {
        // The token expired: everything, diffed against what we had seen, loses and repeats nothing.
        const full = await this.#changes(customerId, null);
        if (full === "full_sync_required") return 0;
        diff = diffFullListing(tracked.seen, full.events);
        nextSyncToken = full.nextSyncToken;
      } else {
        diff = applyChanges(tracked.seen, batch.events);
        nextSyncToken = batch.nextSyncToken;
      }
      await this.#report(tracked, diff);
      await this.#deps.tracked.put({
        ...tracked,
        syncToken: nextSyncToken,
        seen: diff.seen,
        checkedAt: this.#deps.clock.now(),
      });
      return diff.changes.length;
    });
  }

  /** Replace channels that expire soon; each customer's by one instance (the lock, then a re-read). */
  async renewExpiring(): Promise<number> {
    const margin = this.#deps.renewBeforeMs ?? ONE_DAY_MS;
    const before = new Date(this.#deps.clock.now().getTime() + margin);
    let renewed = 0;
    for (const customerId of await this.#deps.tracked.channelsExpiringBefore(before)) {
      await this.#locked(customerId, async () => {
        const tracked = await this.#deps.tracked.get(customerId);
        if (
          tracked === null ||
          (tracked.channel !== null && tracked.channel.expiration.getTime() >= before.getTime())
        )
          return;
        const channel = await this.#open(customerId);
        await this.#deps.tracked.put({ ...tracked, channel });
        if (tracked.channel !== null) await this.#close(customerId, tracked.channel);
        renewed += 1;
      });
    }
    return renewed;
  }

  /** Stop the channel (while the grant still works) and forget the calendar. */
  async stop(customerId: CustomerId): Promise<void> {
    await this.#locked(customerId, async () => {
      const tracked = await this.#deps.tracked.get(customerId);
      if (tracked?.channel != null) await this.#close(customerId, tracked.channel);
      await this.#deps.tracked.delete(customerId);
    });
  }

  async #report(tracked: TrackedCalendar, diff: Diff): Promise<void> {
    if (diff.changes.length === 0) return;
    await this.#deps.notifications.record({
      type: "calendar.events_changed",
      customerId: tracked.customerId,
      occurredAt: this.#deps.clock.now(),
      calendarId: tracked.calendarId,
      changes: await toEventChanges(diff.changes, this.#deps.ownWrites),
    });
  }

  async #open(customerId: CustomerId): Promise<WatchChannel> {
    const request = {
      id: `ch-${randomToken().slice(0, 32)}`,
      token: randomToken(),
      address: this.#deps.address,
      ttlSeconds: this.#deps.channelTtlSeconds ?? ONE_WEEK_SECONDS,
    };
    const opened = await withAccessToken(this.#deps.tokens, customerId, (token) =>
      this.#deps.watch.watch(token.accessToken, CALENDAR, request),
    );
    return { id: request.id, token: request.token, ...opened };
  }

  /** Best effort: an unstopped channel only costs notifications we refuse, until it expires. */
  async #close(customerId: CustomerId, channel: WatchChannel): Promise<void> {
    await withAccessToken(this.#deps.tokens, customerId, (token) =>
      this.#deps.watch.stop(token.accessToken, { id: channel.id, resourceId: channel.resourceId }),
    ).catch(() => undefined);
  }

  #changes(customerId: CustomerId, syncToken: string | null): Promise<ChangeBatch | "full_sync_required"> {
    return withAccessToken(this.#deps.tokens, customerId, (token) =>
      this.#deps.watch.changes(token.accessToken, CALENDAR, syncToken),
    );
  }

  #locked<T>(customerId: CustomerId, work: () => Promise<T>): Promise<T> {
    return this.#deps.lock.withLock(customerId, "booking", work);
  }
}
