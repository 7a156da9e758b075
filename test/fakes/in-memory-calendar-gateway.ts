import { SystemClock } from "../../src/adapters/system/system-clock.ts";
import type { CalendarEvent, CalendarSummary, EventDraft, SendUpdates } from "../../src/domain/calendar.ts";
import { DomainError } from "../../src/domain/errors.ts";
import type {
  CalendarGateway,
  EventPage,
  EventQuery,
  FreeBusyAnswer,
  FreeBusyQuery,
  InsertOptions,
  PatchOptions,
} from "../../src/domain/ports/calendar-gateway.ts";
import type { Clock } from "../../src/domain/ports/clock.ts";
import { attendeeList, checkTimes, gone, meetCode, newEventRecord } from "./in-memory-event-records.ts";
import { instancesOf, intervalOf, isBusy, matchesText, mergeBusy } from "./in-memory-event-views.ts";

type Method = keyof CalendarGateway;
type PatchChanges = Parameters<CalendarGateway["patchEvent"]>[3];

interface FakeCalendar {
  summary: CalendarSummary;
  events: Map<string, CalendarEvent>;
}

export interface InMemoryCalendarOptions {
  /** The account's address: id of its primary calendar, and "self" among attendees. */
  email?: string;
  timeZone?: string;
  clock?: Clock;
}

const CLIENT_ID = /^[a-v0-9]{5,1024}$/;
/** Expansion horizon for listings without timeMax. */
const ONE_YEAR_MS = 366 * 86_400_000;

/**
 * One Google account's calendars in memory, with Google's rules that matter to bookings:
 * client-chosen ids must be base32hex and unique (deleted ones too), every write bumps the
 * etag, patches honour If-Match, deletes leave a "cancelled" tombstone, listings expand
 * recurring events. Tests count calls per method and inject 401s and other failures.
 */
export class InMemoryCalendarGateway implements CalendarGateway {
  readonly email: string;
  readonly calls = new Map<Method, number>();
  /** Milliseconds every call takes, so concurrent callers really interleave. */
  delayMs = 0;
  readonly #clock: Clock;
  readonly #calendars = new Map<string, FakeCalendar>();
  readonly #rejected = new Map<string, number>();
  readonly #failures: { method: Method; error: DomainError; times: number }[] = [];
  #counter = 0;

  constructor(options: InMemoryCalendarOptions = {}) {
    this.email = options.email ?? "user@example.com";
    this.#clock = options.clock ?? new SystemClock();
    this.addCalendar({
      id: this.email,
      summary: this.email,
      timeZone: options.timeZone ?? "Europe/Madrid",
      primary: true,
    });
  }

  addCalendar(calendar: Partial<CalendarSummary> & { id: string }): void {
    const summary: CalendarSummary = {
      summary: calendar.id,
      timeZone: "UTC",
      primary: false,
      accessRole: "owner",
      ...calendar,
    };
    this.#calendars.set(calendar.id, { summary, events: new Map() });
  }

  /** Put an event straight into a calendar (not counted as a call). */
  seedEvent(
    calendarId: string,
    event: Partial<CalendarEvent> & Pick<CalendarEvent, "start" | "end">,
  ): CalendarEvent {
    const calendar = this.#calendar(calendarId);
    const stored = this.#newEvent(calendar, { id: this.#newId(), summary: "Busy", ...event });
    calendar.events.set(stored.id, stored);
    return structuredClone(stored);
  }

  /** Every stored event of a calendar, tombstones included, recurring ones unexpanded. */
  storedEvents(calendarId = "primary"): CalendarEvent[] {
    return [...this.#calendar(calendarId).events.values()].map((event) => structuredClone(event));
  }

  callCount(method?: Method): number {
    if (method !== undefined) return this.calls.get(method) ?? 0;
    return [...this.calls.values()].reduce((sum, count) => sum + count, 0);
  }

  resetCalls(): void {
    this.calls.clear();
  }

  /** Answer the next `times` calls made with `accessToken` as Google answers a revoked token (401). */
  rejectToken(accessToken: string, times = 1): void {
    this.#rejected.set(accessToken, times);
  }

  /** Make the next `times` calls of `method` fail with `error`. */
  failNext(method: Method, error: DomainError, times = 1): void {
    this.#failures.push({ method, error, times });
  }

  async listCalendars(accessToken: string): Promise<CalendarSummary[]> {
    await this.#enter("listCalendars", accessToken);
    return [...this.#calendars.values()].map((calendar) => ({ ...calendar.summary }));
  }

  async getTimeZone(accessToken: string, calendarId: string): Promise<string> {
    await this.#enter("getTimeZone", accessToken);
    return this.#calendar(calendarId).summary.timeZone;
  }

  async listEvents(accessToken: string, calendarId: string, query: EventQuery): Promise<EventPage> {
    await this.#enter("listEvents", accessToken);
    const calendar = this.#calendar(calendarId);
    const zone = calendar.summary.timeZone;
    const min = query.timeMin ?? new Date(-8.64e15);
    const max = query.timeMax ?? new Date((query.timeMin ?? this.#clock.now()).getTime() + ONE_YEAR_MS);
    const matching = [...calendar.events.values()]
      .flatMap((event) => instancesOf(event, zone, max))
      .filter((event) => event.status !== "cancelled")
      .filter((event) => {
        const interval = intervalOf(event, zone);
        return interval.end > min && interval.start < max;
      })
      .filter((event) => query.text === undefined || matchesText(event, query.text))
      .sort((a, b) => intervalOf(a, zone).start.getTime() - intervalOf(b, zone).start.getTime());
    const offset = Number(query.pageToken ?? "0");
    if (!Number.isInteger(offset) || offset < 0)
      throw new DomainError("invalid_argument", "Invalid page token");
    const size = query.maxResults ?? 250;
    const events = matching.slice(offset, offset + size).map((event) => asAnswered(event, calendarId));
    const next = offset + size < matching.length ? String(offset + size) : null;
    // Google's events.list answer names the calendar's own zone.
    return { events, nextPageToken: next, calendarTimeZone: calendar.summary.timeZone };
  }

  async getEvent(accessToken: string, calendarId: string, eventId: string): Promise<CalendarEvent> {
    await this.#enter("getEvent", accessToken);
    return asAnswered(this.#event(this.#calendar(calendarId), eventId), calendarId);
  }

  async freeBusy(accessToken: string, query: FreeBusyQuery): Promise<FreeBusyAnswer> {
    await this.#enter("freeBusy", accessToken);
    const window = { start: query.timeMin, end: query.timeMax };
    const answer: FreeBusyAnswer = new Map();
    for (const id of query.calendarIds) {
      const calendar = this.#calendars.get(this.#resolve(id));
      if (calendar === undefined) {
        answer.set(id, { busy: [], error: "notFound" });
        continue;
      }
      const zone = calendar.summary.timeZone;
      const busy = [...calendar.events.values()]
        .flatMap((event) => instancesOf(event, zone, query.timeMax))
        .filter(isBusy)
        .map((event) => intervalOf(event, zone));
      answer.set(id, { busy: mergeBusy(busy, window) });
    }
    return answer;
  }

  async insertEvent(
    accessToken: string,
    calendarId: string,
    draft: EventDraft,
    options: InsertOptions,
  ): Promise<CalendarEvent> {
    await this.#enter("insertEvent", accessToken);
    const calendar = this.#calendar(calendarId);
    if (options.eventId !== undefined && !CLIENT_ID.test(options.eventId)) {
      throw new DomainError("invalid_argument", "Invalid resource id value.");
    }
    const id = options.eventId ?? this.#newId();
    if (calendar.events.has(id))
      throw new DomainError("duplicate_event", "The requested identifier already exists.");
    if (draft.start === undefined || draft.end === undefined) {
      throw new DomainError("invalid_argument", "Missing end time.");
    }
    const stored = this.#newEvent(calendar, {
      ...draft,
      id,
      start: draft.start,
      end: draft.end,
      meetLink: options.addMeetLink === true ? `https://meet.google.com/${meetCode(id)}` : null,
      attendees: attendeeList(draft.attendees ?? [], [], this.email),
    });
    calendar.events.set(id, stored);
    return asAnswered(stored, calendarId);
  }

  async patchEvent(
    accessToken: string,
    calendarId: string,
    eventId: string,
    changes: PatchChanges,
    options: PatchOptions,
  ): Promise<CalendarEvent> {
    await this.#enter("patchEvent", accessToken);
    const calendar = this.#calendar(calendarId);
    const current = this.#event(calendar, eventId);
    if (current.status === "cancelled") throw gone(eventId);
    if (options.etag !== undefined && options.etag !== current.etag) {
      throw new DomainError("precondition_failed", "Precondition Failed");
    }
    const { attendees, ...fields } = changes;
    const patched: CalendarEvent = {
      ...current,
      ...fields,
      ...(attendees === undefined
        ? {}
        : { attendees: attendeeList(attendees, current.attendees, this.email) }),
      etag: this.#etag(),
      updated: this.#clock.now().toISOString(),
    };
    checkTimes(patched, calendar.summary.timeZone);
    calendar.events.set(eventId, patched);
    return asAnswered(patched, calendarId);
  }

  async deleteEvent(
    accessToken: string,
    calendarId: string,
    eventId: string,
    _options: { sendUpdates?: SendUpdates },
  ): Promise<void> {
    await this.#enter("deleteEvent", accessToken);
    const calendar = this.#calendar(calendarId);
    const current = this.#event(calendar, eventId);
    if (current.status === "cancelled") throw gone(eventId);
    calendar.events.set(eventId, { ...current, status: "cancelled", etag: this.#etag() });
  }

  async #enter(method: Method, accessToken: string): Promise<void> {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    // Always yield, so "concurrent" callers in a test really take turns.
    await (this.delayMs > 0 ? Bun.sleep(this.delayMs) : Promise.resolve());
    const rejections = this.#rejected.get(accessToken) ?? 0;
    if (rejections > 0) {
      this.#rejected.set(accessToken, rejections - 1);
      throw new DomainError("google_token_rejected", "Google rejected the access token (401)");
    }
    const failure = this.#failures.find((candidate) => candidate.method === method);
    if (failure !== undefined) {
      failure.times -= 1;
      if (failure.times <= 0) this.#failures.splice(this.#failures.indexOf(failure), 1);
      throw failure.error;
    }
  }

  #resolve(calendarId: string): string {
    return calendarId === "primary" ? this.email : calendarId;
  }

  #calendar(calendarId: string): FakeCalendar {
    const calendar = this.#calendars.get(this.#resolve(calendarId));
    if (calendar === undefined) throw new DomainError("not_found", `Calendar ${calendarId} not found`);
    return calendar;
  }

  #event(calendar: FakeCalendar, eventId: string): CalendarEvent {
    const event = calendar.events.get(eventId);
    if (event === undefined) {
      throw new DomainError("not_found", `Event ${eventId} not found`, { details: { event_id: eventId } });
    }
    return event;
  }

  #newEvent(
    calendar: FakeCalendar,
    event: Partial<CalendarEvent> & Pick<CalendarEvent, "id" | "start" | "end">,
  ): CalendarEvent {
    return newEventRecord(calendar.summary, event, this.#etag(), this.#clock.now());
  }

  #newId(): string {
    this.#counter += 1;
    return `evt${this.#counter.toString(32).padStart(6, "0")}`;
  }

  #etag(): string {
    this.#counter += 1;
    return `"${3_000_000_000_000_000 + this.#counter}"`;
  }
}

/** A copy, labelled with the calendar id as the caller wrote it ("primary" stays "primary"), as Google's gateway does. */
function asAnswered(event: CalendarEvent, calendarId: string): CalendarEvent {
  return { ...structuredClone(event), calendarId };
}
