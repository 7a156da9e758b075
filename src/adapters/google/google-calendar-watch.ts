import type { calendar_v3 } from "@googleapis/calendar";
import type { EventTime } from "../../domain/calendar.ts";
import { DomainError } from "../../domain/errors.ts";
import type {
  CalendarWatch,
  ChangeBatch,
  ChannelRequest,
  ObservedEvent,
  OpenedChannel,
} from "../../domain/ports/calendar-watch.ts";
import { CalendarRestClient, pathSegment, type RestRequest } from "./calendar-rest-client.ts";
import { reasonsOf, statusOf, toDomainError } from "./google-calendar-errors.ts";
import { type GoogleCallObserver, IGNORE_GOOGLE_CALLS, observed } from "./google-call-observer.ts";
import type { RetryPolicy } from "./outbound-call.ts";

export interface GoogleCalendarWatchOptions {
  rootUrl?: string;
  timeoutMs?: number;
  /** For the calls safe to repeat (GOOGLE_RETRY_*). */
  retry: RetryPolicy;
  observe?: GoogleCallObserver;
}

/** A sync reads at most this many pages (2,500 events each) before giving up for this round. */
const MAX_PAGES = 40;
/** Only what change tracking keeps: a smaller answer, and less calendar data in transit. */
const EVENT_FIELDS = "id,status,summary,start,end,updated";

/** events.list with sync tokens, events.watch and channels.stop (calendar-rest-client.ts). */
export class GoogleCalendarWatch implements CalendarWatch {
  readonly #rest: CalendarRestClient;
  readonly #timeoutMs: number;
  readonly #observe: GoogleCallObserver;

  constructor(options: GoogleCalendarWatchOptions) {
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#observe = options.observe ?? IGNORE_GOOGLE_CALLS;
    this.#rest = new CalendarRestClient({
      rootUrl: options.rootUrl ?? "https://www.googleapis.com/",
      timeoutMs: this.#timeoutMs,
      retry: options.retry,
    });
  }

  async changes(
    accessToken: string,
    calendarId: string,
    syncToken: string | null,
  ): Promise<ChangeBatch | "full_sync_required"> {
    const events: ObservedEvent[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      let answer: calendar_v3.Schema$Events;
      try {
        answer = await this.#read(accessToken, calendarId, {
          maxResults: 2500,
          fields: `nextPageToken,nextSyncToken,items(${EVENT_FIELDS})`,
          ...(syncToken === null ? { showDeleted: false } : { syncToken }),
          ...(pageToken === undefined ? {} : { pageToken }),
        });
      } catch (error) {
        if (statusOf(error) === 410 && syncToken !== null) return "full_sync_required";
        throw toDomainError(error, "events.list", this.#timeoutMs);
      }
      events.push(...(answer.items ?? []).map(toObserved));
      if (typeof answer.nextSyncToken === "string") return { events, nextSyncToken: answer.nextSyncToken };
      if (typeof answer.nextPageToken !== "string") break;
      pageToken = answer.nextPageToken;
    }
    throw new DomainError("google_unavailable", "Google ended an event listing without a sync token");
  }

  async watch(accessToken: string, calendarId: string, channel: ChannelRequest): Promise<OpenedChannel> {
    try {
      const requestBody: calendar_v3.Schema$Channel = {
        id: channel.id,
        token: channel.token,
        type: "web_hook",
        address: channel.address,
        params: { ttl: String(channel.ttlSeconds) },
      };
      const answer = (await this.#send(accessToken, {
        method: "POST",
        path: `calendars/${pathSegment(calendarId)}/events/watch`,
        body: requestBody,
        // Opening a channel twice would leave one we do not know of: never retried.
        retryable: false,
      })) as calendar_v3.Schema$Channel | undefined;
      const expiration = Number(answer?.expiration);
      if (typeof answer?.resourceId !== "string" || !Number.isFinite(expiration)) {
        throw new DomainError("google_unavailable", "Google answered events.watch without a channel");
      }
      return { resourceId: answer.resourceId, expiration: new Date(expiration) };
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw toDomainError(error, "events.watch", this.#timeoutMs);
    }
  }

  async stop(accessToken: string, channel: { id: string; resourceId: string }): Promise<void> {
    try {
      await this.#send(accessToken, {
        method: "POST",
        path: "channels/stop",
        body: { id: channel.id, resourceId: channel.resourceId },
        retryable: true,
      });
    } catch (error) {
      // Expired or already stopped: what we wanted.
      if (statusOf(error) === 404 || reasonsOf(error).includes("notFound")) return;
      throw toDomainError(error, "channels.stop", this.#timeoutMs);
    }
  }

  async #read(
    accessToken: string,
    calendarId: string,
    query: RestRequest["query"],
  ): Promise<calendar_v3.Schema$Events> {
    const answer = await this.#send(accessToken, {
      method: "GET",
      path: `calendars/${pathSegment(calendarId)}/events`,
      query,
      retryable: true,
    });
    if (typeof answer !== "object" || answer === null || Array.isArray(answer)) {
      throw new DomainError(
        "google_unavailable",
        "Google Calendar answered events.list with something other than JSON",
      );
    }
    return answer;
  }

  #send(accessToken: string, request: RestRequest): Promise<unknown> {
    return observed(this.#observe, "calendar", () => this.#rest.send(accessToken, request));
  }
}

function toObserved(event: calendar_v3.Schema$Event): ObservedEvent {
  return {
    id: event.id ?? "",
    status: event.status === "tentative" || event.status === "cancelled" ? event.status : "confirmed",
    summary: event.summary ?? null,
    start: toTime(event.start),
    end: toTime(event.end),
    updated: event.updated ?? null,
  };
}

function toTime(time: calendar_v3.Schema$EventDateTime | undefined): EventTime | null {
  if (typeof time?.date === "string") return { date: time.date };
  if (typeof time?.dateTime !== "string") return null;
  return typeof time.timeZone === "string"
    ? { dateTime: time.dateTime, timeZone: time.timeZone }
    : { dateTime: time.dateTime };
}
