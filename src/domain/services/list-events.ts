import type { CustomerId } from "../customer-id.ts";
import { needsZone, type TimeInput, toInstant } from "../event-times.ts";
import type { ApprovalAnswer, EventPage, EventQuery } from "../ports/calendar-gateway.ts";
import { approvalOf } from "./approval-of.ts";
import type { CalendarDeps } from "./calendar-deps.ts";
import { calendarIdOf, integerIn, invalidArgument, optionalText, timeZoneOf } from "./calendar-inputs.ts";
import { withAccessToken } from "./with-access-token.ts";

export interface ListEventsCommand {
  /** Default "primary". */
  calendarId?: string;
  /** Events ending after this; default: now (so a bare call lists what is coming). */
  timeMin?: TimeInput;
  /** Events starting before this. */
  timeMax?: TimeInput;
  /** Free text, matched by Google against summary, description, location, attendees. */
  query?: string;
  /** 1–2500; default 250 (Google's). */
  maxResults?: number;
  pageToken?: string;
  /**
   * IANA zone for local bounds and for the times in the answer; local bounds without it are
   * read in the calendar's own zone.
   */
  timeZone?: string;
  /** Repeat of a call Google held for the user's approval (DomainError approval_required). */
  approval?: ApprovalAnswer;
}

/** Events in a window, recurring ones expanded. */
export class ListEvents {
  readonly #deps: Pick<CalendarDeps, "tokens" | "calendar" | "clock">;

  constructor(deps: Pick<CalendarDeps, "tokens" | "calendar" | "clock">) {
    this.#deps = deps;
  }

  /**
   * A page of events, recurring events expanded into their instances, ordered by start.
   * @throws DomainError invalid_argument, not_found (calendar), and the gateway's errors
   */
  async execute(customerId: CustomerId, command: ListEventsCommand = {}): Promise<EventPage> {
    const calendarId = calendarIdOf(command.calendarId);
    const timeZone = timeZoneOf(command.timeZone);
    const { timeMin: minInput, timeMax: maxInput } = command;
    const text = optionalText("query", command.query, 1024)?.trim();
    const maxResults = integerIn("maxResults", command.maxResults, 1, 2500);
    const pageToken = optionalText("pageToken", command.pageToken, 4096);
    const now = this.#deps.clock.now();
    return withAccessToken(this.#deps.tokens, customerId, async (token) => {
      const needs = [minInput, maxInput].some((bound) => bound !== undefined && needsZone(bound));
      const zone =
        timeZone ??
        (needs ? await this.#deps.calendar.getTimeZone(token.accessToken, calendarId) : undefined);
      const timeMin = bound("timeMin", minInput, zone) ?? (maxInput === undefined ? now : undefined);
      const timeMax = bound("timeMax", maxInput, zone);
      if (timeMin !== undefined && timeMax !== undefined && timeMax <= timeMin) {
        throw invalidArgument("timeMax", "must be after timeMin");
      }
      const query: EventQuery = {
        ...(timeMin === undefined ? {} : { timeMin }),
        ...(timeMax === undefined ? {} : { timeMax }),
        ...(text === undefined || text === "" ? {} : { text }),
        ...(maxResults === undefined ? {} : { maxResults }),
        ...(pageToken === undefined || pageToken === "" ? {} : { pageToken }),
        ...(timeZone === undefined ? {} : { timeZone }),
        ...approvalOf(customerId, command.approval),
      };
      return this.#deps.calendar.listEvents(token.accessToken, calendarId, query);
    });
  }
}

function bound(field: string, input: TimeInput | undefined, zone: string | undefined): Date | undefined {
  return input === undefined ? undefined : toInstant(field, input, zone);
}
