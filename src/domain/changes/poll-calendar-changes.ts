import type { CalendarEvent } from "../calendar.ts";
import type { CustomerId } from "../customer-id.ts";
import { isDomainError } from "../errors.ts";
import type { CalendarGateway } from "../ports/calendar-gateway.ts";
import type { ObservedEvent } from "../ports/calendar-watch.ts";
import type { OwnWrites, TrackedCalendars } from "../ports/change-tracking.ts";
import type { Clock } from "../ports/clock.ts";
import type { CustomerLock } from "../ports/customer-lock.ts";
import type { Notifications } from "../ports/notifications.ts";
import { type AccessTokens, withAccessToken } from "../services/with-access-token.ts";
import { applyChanges, type ObservedChange, toEventChanges } from "./event-diff.ts";

export interface PollCalendarChangesDeps {
  tokens: AccessTokens;
  calendar: CalendarGateway;
  tracked: TrackedCalendars;
  ownWrites: OwnWrites;
  notifications: Notifications;
  lock: CustomerLock;
  clock: Clock;
  /** The window read on each poll: from this far back… Default one day. */
  pastMs?: number;
  /** …to this far ahead. Default 60 days. */
  aheadMs?: number;
  /** Pages of 250 events read at most per poll. Default 8. */
  maxPages?: number;
}

const CALENDAR = "primary";
const DAY_MS = 86_400_000;

/**
 * Changes found by reading, for backends that cannot push (no watch, no sync token): each poll
 * lists a window of the calendar through the CalendarGateway port and diffs it against what was
 * seen. An event that left the list is looked up once: deleted (cancelled), or moved out of the
 * window (updated); events that merely ended before the window are dropped silently.
 */
export class PollCalendarChanges {
  readonly #deps: PollCalendarChangesDeps;

  constructor(deps: PollCalendarChangesDeps) {
    this.#deps = deps;
  }

  /** Begin following a customer: the current window is the baseline, reported as nothing. */
  async start(customerId: CustomerId): Promise<void> {
    await this.#begin(customerId, false);
  }

  /** Follow a customer nobody follows yet. @returns whether following began now */
  async ensure(customerId: CustomerId): Promise<boolean> {
    return this.#begin(customerId, true);
  }

  async #begin(customerId: CustomerId, onlyIfUntracked: boolean): Promise<boolean> {
    return this.#locked(customerId, async () => {
      if (onlyIfUntracked && (await this.#deps.tracked.get(customerId)) !== null) return false;
      const listed = await this.#list(customerId);
      await this.#deps.tracked.put({
        customerId,
        calendarId: CALENDAR,
        syncToken: null,
        seen: Object.fromEntries(listed.map((event) => [event.id, event])),
        channel: null,
        checkedAt: this.#deps.clock.now(),
      });
      return true;
    });
  }

  /** @returns how many changes were reported */
  async poll(customerId: CustomerId): Promise<number> {
    return this.#locked(customerId, async () => {
      const tracked = await this.#deps.tracked.get(customerId);
      if (tracked === null) return 0;
      const listed = await this.#list(customerId);
      const applied = applyChanges(tracked.seen, listed);
      const present = new Set(listed.map((event) => event.id));
      const windowStart = this.#deps.clock.now().getTime() - (this.#deps.pastMs ?? DAY_MS);
      const seen = applied.seen;
      const changes: ObservedChange[] = [...applied.changes];
      for (const [id, event] of Object.entries(seen)) {
        if (present.has(id)) continue;
        delete seen[id];
        if (event.status === "cancelled" || endsBefore(event, windowStart)) continue;
        const now = await this.#lookUp(customerId, id);
        changes.push(
          now === null || now.status === "cancelled"
            ? {
                change: "cancelled",
                event: { ...event, status: "cancelled", updated: now?.updated ?? event.updated },
              }
            : { change: "updated", event: now },
        );
      }
      if (changes.length > 0) {
        await this.#deps.notifications.record({
          type: "calendar.events_changed",
          customerId,
          occurredAt: this.#deps.clock.now(),
          calendarId: tracked.calendarId,
          changes: await toEventChanges(changes, this.#deps.ownWrites),
        });
      }
      await this.#deps.tracked.put({ ...tracked, seen, checkedAt: this.#deps.clock.now() });
      return changes.length;
    });
  }

  /** Poll every followed customer, one after the other; one failing does not stop the rest. */
  async pollAll(onError: (customerId: CustomerId, error: unknown) => void): Promise<void> {
    for (const customerId of await this.#deps.tracked.customerIds()) {
      await this.poll(customerId).catch((error: unknown) => onError(customerId, error));
    }
  }

  async stop(customerId: CustomerId): Promise<void> {
    await this.#locked(customerId, () => this.#deps.tracked.delete(customerId));
  }

  async #list(customerId: CustomerId): Promise<ObservedEvent[]> {
    const now = this.#deps.clock.now().getTime();
    const timeMin = new Date(now - (this.#deps.pastMs ?? DAY_MS));
    const timeMax = new Date(now + (this.#deps.aheadMs ?? 60 * DAY_MS));
    return withAccessToken(this.#deps.tokens, customerId, async (token) => {
      const events: ObservedEvent[] = [];
      let pageToken: string | undefined;
      for (let page = 0; page < (this.#deps.maxPages ?? 8); page += 1) {
        const answer = await this.#deps.calendar.listEvents(token.accessToken, CALENDAR, {
          timeMin,
          timeMax,
          maxResults: 250,
          ...(pageToken === undefined ? {} : { pageToken }),
        });
        events.push(...answer.events.filter((event) => event.status !== "cancelled").map(observed));
        if (answer.nextPageToken === null) break;
        pageToken = answer.nextPageToken;
      }
      return events;
    });
  }

  async #lookUp(customerId: CustomerId, eventId: string): Promise<ObservedEvent | null> {
    try {
      return observed(
        await withAccessToken(this.#deps.tokens, customerId, (token) =>
          this.#deps.calendar.getEvent(token.accessToken, CALENDAR, eventId),
        ),
      );
    } catch (error) {
      if (isDomainError(error, "not_found")) return null;
      throw error;
    }
  }

  #locked<T>(customerId: CustomerId, work: () => Promise<T>): Promise<T> {
    return this.#deps.lock.withLock(customerId, "booking", work);
  }
}

export function observed(event: CalendarEvent): ObservedEvent {
  return {
    id: event.id,
    status: event.status,
    summary: event.summary,
    start: event.start,
    end: event.end,
    updated: event.updated,
  };
}

function endsBefore(event: ObservedEvent, instant: number): boolean {
  const end = event.end;
  if (end === null) return false;
  const at = "date" in end ? Date.parse(`${end.date}T00:00:00Z`) : Date.parse(end.dateTime);
  return Number.isFinite(at) && at < instant;
}
