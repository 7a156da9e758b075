import type { CalendarEvent } from "../calendar.ts";
import type { CustomerId } from "../customer-id.ts";
import { needsZone, parseTimeInput, type TimeInput, toInstant } from "../event-times.ts";
import type { EventQuery } from "../ports/calendar-gateway.ts";
import type { CalendarDeps } from "./calendar-deps.ts";
import { calendarIdOf, integerIn, invalidArgument, optionalText, timeZoneOf } from "./calendar-inputs.ts";
import { withAccessToken } from "./with-access-token.ts";

export interface ListEventsInput {
  calendar_id?: string;
  /** Events ending after this; default: now (so a bare call lists what is coming). */
  time_min?: string;
  /** Events starting before this. */
  time_max?: string;
  /** Free text, matched by Google against summary, description, location, attendees. */
  query?: string;
  /** 1–2500; default 250 (Google's). */
  max_results?: number;
  page_token?: string;
  /**
   * IANA zone for local time_min/time_max and for the times in the answer; local bounds
   * without it are read in the calendar's own zone.
   */
  time_zone?: string;
}

export interface ListEventsResult {
  /** Recurring events expanded into their instances, ordered by start. */
  events: CalendarEvent[];
  /** Pass back as page_token for more; null on the last page. */
  next_page_token: string | null;
}

/** Events in a window, recurring ones expanded. */
export class ListEvents {
  readonly #deps: Pick<CalendarDeps, "tokens" | "calendar" | "clock">;

  constructor(deps: Pick<CalendarDeps, "tokens" | "calendar" | "clock">) {
    this.#deps = deps;
  }

  /** @throws DomainError invalid_argument, not_found (calendar), and the gateway's errors */
  async execute(customerId: CustomerId, input: ListEventsInput = {}): Promise<ListEventsResult> {
    const calendarId = calendarIdOf(input.calendar_id);
    const timeZone = timeZoneOf(input.time_zone);
    const minInput = input.time_min === undefined ? undefined : parseTimeInput("time_min", input.time_min);
    const maxInput = input.time_max === undefined ? undefined : parseTimeInput("time_max", input.time_max);
    const text = optionalText("query", input.query, 1024)?.trim();
    const maxResults = integerIn("max_results", input.max_results, 1, 2500);
    const pageToken = optionalText("page_token", input.page_token, 4096);
    const now = this.#deps.clock.now();
    const page = await withAccessToken(this.#deps.tokens, customerId, async (token) => {
      const needs = [minInput, maxInput].some((bound) => bound !== undefined && needsZone(bound));
      const zone =
        timeZone ??
        (needs ? await this.#deps.calendar.getTimeZone(token.accessToken, calendarId) : undefined);
      const timeMin = bound("time_min", minInput, zone) ?? (maxInput === undefined ? now : undefined);
      const timeMax = bound("time_max", maxInput, zone);
      if (timeMin !== undefined && timeMax !== undefined && timeMax <= timeMin) {
        throw invalidArgument("time_max", "must be after time_min");
      }
      const query: EventQuery = {
        ...(timeMin === undefined ? {} : { timeMin }),
        ...(timeMax === undefined ? {} : { timeMax }),
        ...(text === undefined || text === "" ? {} : { text }),
        ...(maxResults === undefined ? {} : { maxResults }),
        ...(pageToken === undefined || pageToken === "" ? {} : { pageToken }),
        ...(timeZone === undefined ? {} : { timeZone }),
      };
      return this.#deps.calendar.listEvents(token.accessToken, calendarId, query);
    });
    return { events: page.events, next_page_token: page.nextPageToken };
  }
}

function bound(field: string, input: TimeInput | undefined, zone: string | undefined): Date | undefined {
  return input === undefined ? undefined : toInstant(field, input, zone);
}
