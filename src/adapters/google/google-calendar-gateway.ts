import type { calendar_v3 } from "@googleapis/calendar";
import type {
  CalendarEvent,
  CalendarSummary,
  EventDraft,
  Interval,
  SendUpdates,
} from "../../domain/calendar.ts";
import { DomainError } from "../../domain/errors.ts";
import type {
  CalendarGateway,
  EventPage,
  EventQuery,
  FreeBusyAnswer,
  FreeBusyQuery,
  InsertOptions,
  PatchOptions,
} from "../../domain/ports/calendar-gateway.ts";
import { CalendarRestClient, pathSegment, type RestRequest } from "./calendar-rest-client.ts";
import { retriesSoFar, statusOf, toDomainError } from "./google-calendar-errors.ts";
import { type GoogleCallObserver, IGNORE_GOOGLE_CALLS, observed } from "./google-call-observer.ts";
import { meetRequest, toCalendarEvent, toCalendarSummary, toEventResource } from "./google-event-mapper.ts";
import type { RetryPolicy } from "./outbound-call.ts";

export interface GoogleCalendarGatewayOptions {
  /** Google's API root (`GOOGLE_CALENDAR_API_URL`); the emulator's in tests and the sandbox. */
  rootUrl?: string;
  /** Deadline for each HTTP attempt. */
  timeoutMs?: number;
  /** Which calls are retried is the gateway's rule (google-calendar-retry.ts); how often, this. */
  retry: RetryPolicy;
  /** Hears of every call to the Calendar API (metrics). */
  observe?: GoogleCallObserver;
}

type PatchChanges = Parameters<CalendarGateway["patchEvent"]>[3];

const DEFAULT_ROOT_URL = "https://www.googleapis.com/";
const DEFAULT_TIMEOUT_MS = 10_000;
/** Calendar lists are short; this bounds a misbehaving pager. */
const MAX_CALENDAR_PAGES = 10;

/**
 * The customer's Google Calendar over Calendar API v3 (calendar-rest-client.ts; the resources
 * are `@googleapis/calendar`'s types). One client serves every customer: it holds no
 * credentials, and each call carries the customer's bearer token in its own request headers.
 */
export class GoogleCalendarGateway implements CalendarGateway {
  readonly #rest: CalendarRestClient;
  readonly #timeoutMs: number;
  readonly #observe: GoogleCallObserver;

  constructor(options: GoogleCalendarGatewayOptions) {
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#observe = options.observe ?? IGNORE_GOOGLE_CALLS;
    this.#rest = new CalendarRestClient({
      rootUrl: options.rootUrl ?? DEFAULT_ROOT_URL,
      timeoutMs: this.#timeoutMs,
      retry: options.retry,
    });
  }

  async listCalendars(accessToken: string): Promise<CalendarSummary[]> {
    const summaries: CalendarSummary[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_CALENDAR_PAGES; page += 1) {
      const answer = await this.#call<calendar_v3.Schema$CalendarList>("calendarList.list", accessToken, {
        method: "GET",
        path: "users/me/calendarList",
        query: { maxResults: 250, pageToken },
        retryable: true,
      });
      summaries.push(...(answer.items ?? []).map(toCalendarSummary));
      pageToken = answer.nextPageToken ?? undefined;
      if (pageToken === undefined) break;
    }
    return summaries;
  }

  /** Read from an event listing: it needs only the events scope, unlike calendars.get. */
  async getTimeZone(accessToken: string, calendarId: string): Promise<string> {
    requireResolvableIds(calendarId);
    const answer = await this.#call<calendar_v3.Schema$Events>("events.list", accessToken, {
      method: "GET",
      path: eventsPath(calendarId),
      query: { maxResults: 1, fields: "timeZone" },
      retryable: true,
    });
    const zone = answer.timeZone;
    if (typeof zone !== "string" || zone === "") {
      throw new DomainError("google_unavailable", "Google did not report the calendar's time zone");
    }
    return zone;
  }

  async listEvents(accessToken: string, calendarId: string, query: EventQuery): Promise<EventPage> {
    requireResolvableIds(calendarId);
    const answer = await this.#call<calendar_v3.Schema$Events>("events.list", accessToken, {
      method: "GET",
      path: eventsPath(calendarId),
      query: {
        singleEvents: true,
        orderBy: "startTime",
        timeMin: query.timeMin?.toISOString(),
        timeMax: query.timeMax?.toISOString(),
        q: query.text,
        maxResults: query.maxResults,
        pageToken: query.pageToken,
        timeZone: query.timeZone,
      },
      retryable: true,
    });
    return {
      events: (answer.items ?? []).map((event) => toCalendarEvent(calendarId, event)),
      nextPageToken: answer.nextPageToken ?? null,
      calendarTimeZone: answer.timeZone ?? null,
    };
  }

  async getEvent(accessToken: string, calendarId: string, eventId: string): Promise<CalendarEvent> {
    requireResolvableIds(calendarId, eventId);
    const answer = await this.#call<calendar_v3.Schema$Event>("events.get", accessToken, {
      method: "GET",
      path: eventPath(calendarId, eventId),
      retryable: true,
    });
    return toCalendarEvent(calendarId, answer);
  }

  async freeBusy(accessToken: string, query: FreeBusyQuery): Promise<FreeBusyAnswer> {
    const requestBody: calendar_v3.Schema$FreeBusyRequest = {
      timeMin: query.timeMin.toISOString(),
      timeMax: query.timeMax.toISOString(),
      timeZone: query.timeZone,
      items: query.calendarIds.map((id) => ({ id })),
    };
    const answer = await this.#call<calendar_v3.Schema$FreeBusyResponse>("freebusy.query", accessToken, {
      method: "POST",
      path: "freeBusy",
      body: requestBody,
      // A query changes nothing: safe to repeat although it is a POST.
      retryable: true,
    });
    const result: FreeBusyAnswer = new Map();
    for (const [id, entry] of Object.entries(answer.calendars ?? {})) {
      const busy = (entry.busy ?? []).map((period) => busyPeriod(period.start, period.end));
      const reason = entry.errors?.[0]?.reason;
      result.set(id, typeof reason === "string" ? { busy, error: reason } : { busy });
    }
    return result;
  }

  async insertEvent(
    accessToken: string,
    calendarId: string,
    draft: EventDraft,
    options: InsertOptions,
  ): Promise<CalendarEvent> {
    requireResolvableIds(calendarId);
    const requestBody = toEventResource(draft);
    if (options.eventId !== undefined) requestBody.id = options.eventId;
    if (options.addMeetLink === true)
      requestBody.conferenceData = meetRequest(options.eventId ?? crypto.randomUUID());
    // With our own id a repeat cannot create a twin (Google answers 409), so it may be retried.
    const retryable = options.eventId !== undefined;
    try {
      const created = readable<calendar_v3.Schema$Event>(
        await this.#send("events.insert", accessToken, {
          method: "POST",
          path: eventsPath(calendarId),
          query: {
            sendUpdates: options.sendUpdates,
            conferenceDataVersion: options.addMeetLink === true ? 1 : undefined,
          },
          body: requestBody,
          retryable,
        }),
        "events.insert",
      );
      // An answer without an id names no event: a caller could neither find nor cancel it.
      if (typeof created.id !== "string" || created.id === "") {
        throw new DomainError(
          "google_unavailable",
          "Google Calendar answered events.insert without an event id",
        );
      }
      return toCalendarEvent(calendarId, created);
    } catch (error) {
      // A 409 on a retry means our first attempt got through but its answer was lost.
      if (error instanceof DomainError) throw error;
      if (retryable && statusOf(error) === 409 && retriesSoFar(error) > 0 && options.eventId !== undefined) {
        return this.getEvent(accessToken, calendarId, options.eventId);
      }
      throw toDomainError(error, "events.insert", this.#timeoutMs);
    }
  }

  async patchEvent(
    accessToken: string,
    calendarId: string,
    eventId: string,
    changes: PatchChanges,
    options: PatchOptions,
  ): Promise<CalendarEvent> {
    requireResolvableIds(calendarId, eventId);
    const answer = await this.#call<calendar_v3.Schema$Event>("events.patch", accessToken, {
      method: "PATCH",
      path: eventPath(calendarId, eventId),
      query: { sendUpdates: options.sendUpdates },
      body: toEventResource(changes),
      ...(options.etag === undefined ? {} : { headers: { "If-Match": options.etag } }),
      retryable: false,
    });
    return toCalendarEvent(calendarId, answer);
  }

  async deleteEvent(
    accessToken: string,
    calendarId: string,
    eventId: string,
    options: { sendUpdates?: SendUpdates },
  ): Promise<void> {
    requireResolvableIds(calendarId, eventId);
    try {
      await this.#send("events.delete", accessToken, {
        method: "DELETE",
        path: eventPath(calendarId, eventId),
        query: { sendUpdates: options.sendUpdates },
        retryable: true,
      });
    } catch (error) {
      // 410 on a retry: our first attempt deleted it and the answer was lost.
      if (statusOf(error) === 410 && retriesSoFar(error) > 0) return;
      throw toDomainError(error, "events.delete", this.#timeoutMs);
    }
  }

  /** One request, counted for metrics under `what`; its failure as the client throws it. */
  #send(what: string, accessToken: string, request: RestRequest): Promise<unknown> {
    return observed(this.#observe, "calendar", () => this.#rest.send(accessToken, request), {
      backend: "rest",
      operation: what,
    });
  }

  /** `#send`, its failure as a domain error and its answer as a resource. */
  async #call<T>(what: string, accessToken: string, request: RestRequest): Promise<T> {
    let answer: unknown;
    try {
      answer = await this.#send(what, accessToken, request);
    } catch (error) {
      throw toDomainError(error, what, this.#timeoutMs);
    }
    return readable<T>(answer, what);
  }
}

function eventsPath(calendarId: string): string {
  return `calendars/${pathSegment(calendarId)}/events`;
}

function eventPath(calendarId: string, eventId: string): string {
  return `${eventsPath(calendarId)}/${pathSegment(eventId)}`;
}

/**
 * "." and ".." are path segments a URL resolves away: sent, they would reach another resource
 * (or none) and look like an outage; a lone UTF-16 surrogate cannot be written in a URL at all.
 * No calendar or event has such an id, so they are unknown.
 * @throws DomainError not_found
 */
function requireResolvableIds(calendarId: string, eventId?: string): void {
  for (const [field, id] of [
    ["calendar_id", calendarId],
    ["event_id", eventId],
  ] as const) {
    if (id === "" || id === "." || id === ".." || (id !== undefined && !id.isWellFormed())) {
      throw new DomainError(
        "not_found",
        `No ${field === "event_id" ? "event" : "calendar"} has the id "${id}"`,
        {
          details: { [field]: id },
        },
      );
    }
  }
}

/**
 * A busy period whose times do not parse could hide a clash: the conflict check must fail
 * closed, not book into it.
 * @throws DomainError google_unavailable
 */
function busyPeriod(start: string | null | undefined, end: string | null | undefined): Interval {
  const interval = { start: new Date(start ?? ""), end: new Date(end ?? "") };
  if (Number.isNaN(interval.start.getTime()) || Number.isNaN(interval.end.getTime())) {
    throw new DomainError(
      "google_unavailable",
      "Google Calendar answered freebusy.query with unreadable busy times",
    );
  }
  return interval;
}

/**
 * An answer that is not a JSON object (a proxy's page, an empty body) names no resource: read
 * as one, it would pass for an empty answer ("no calendars", "no events").
 * @throws DomainError google_unavailable when the body is not a JSON object
 */
function readable<T>(answer: unknown, what: string): T {
  if (typeof answer === "object" && answer !== null && !Array.isArray(answer)) return answer as T;
  throw new DomainError(
    "google_unavailable",
    `Google Calendar answered ${what} with something other than JSON`,
  );
}
