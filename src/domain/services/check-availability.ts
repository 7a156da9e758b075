import type { Interval } from "../calendar.ts";
import type { CustomerId } from "../customer-id.ts";
import { needsZone, type TimeInput, toInstant } from "../event-times.ts";
import type { ApprovalAnswer } from "../ports/calendar-gateway.ts";
import { approvalOf } from "./approval-of.ts";
import type { CalendarDeps } from "./calendar-deps.ts";
import { calendarIdOf, invalidArgument, timeZoneOf } from "./calendar-inputs.ts";
import { freeBusyError } from "./conflicts.ts";
import { withAccessToken } from "./with-access-token.ts";

/** Google refuses free/busy windows longer than this (timeRangeTooLong). */
export const MAX_FREE_BUSY_DAYS = 90;
/** Google's calendarExpansionMax ceiling. */
const MAX_CALENDARS = 50;

export interface CheckAvailabilityCommand {
  timeMin: TimeInput;
  timeMax: TimeInput;
  /** Default ["primary"]. */
  calendarIds?: string[];
  /**
   * IANA zone for local bounds and for the answer's times. Without it local bounds are read in
   * the primary calendar's zone and times come back in UTC.
   */
  timeZone?: string;
  /** Repeat of a call Google held for the user's approval (DomainError approval_required). */
  approval?: ApprovalAnswer;
}

/** One calendar's busy time, or why Google could not read it. */
export type CalendarBusy =
  | { calendarId: string; busy: Interval[] }
  | { calendarId: string; busy: []; error: string };

export interface Availability {
  timeMin: Date;
  timeMax: Date;
  /** The zone the window was read in and times are shown in; null: UTC, as given. */
  timeZone: string | null;
  calendars: CalendarBusy[];
}

/** Busy intervals of one or more calendars over a window (Google's freeBusy). */
export class CheckAvailability {
  readonly #deps: Pick<CalendarDeps, "tokens" | "calendar">;

  constructor(deps: Pick<CalendarDeps, "tokens" | "calendar">) {
    this.#deps = deps;
  }

  /**
   * A calendar Google could not read is reported in its `error` rather than failing the rest,
   * except when it is the only one asked for.
   * @throws DomainError invalid_argument, not_found, and the gateway's errors
   */
  async execute(customerId: CustomerId, command: CheckAvailabilityCommand): Promise<Availability> {
    const timeZone = timeZoneOf(command.timeZone);
    const { timeMin: minInput, timeMax: maxInput } = command;
    const calendarIds = calendarIdsOf(command.calendarIds);
    return withAccessToken(this.#deps.tokens, customerId, async (token) => {
      const needs = needsZone(minInput) || needsZone(maxInput);
      const zone =
        timeZone ?? (needs ? await this.#deps.calendar.getTimeZone(token.accessToken, "primary") : undefined);
      const timeMin = toInstant("timeMin", minInput, zone);
      const timeMax = toInstant("timeMax", maxInput, zone);
      checkWindow(timeMin, timeMax);
      const answer = await this.#deps.calendar.freeBusy(token.accessToken, {
        timeMin,
        timeMax,
        calendarIds,
        ...(zone === undefined ? {} : { timeZone: zone }),
        ...approvalOf(customerId, command.approval),
      });
      const calendars = calendarIds.map((calendarId): CalendarBusy => {
        const entry =
          answer.get(calendarId) ??
          (calendarIds.length === 1 && answer.size === 1 ? [...answer.values()][0] : undefined);
        if (entry === undefined) return { calendarId, busy: [], error: "missing" };
        if (entry.error !== undefined) {
          if (calendarIds.length === 1) throw freeBusyError(calendarId, entry.error);
          return { calendarId, busy: [], error: entry.error };
        }
        return { calendarId, busy: entry.busy };
      });
      return { timeMin, timeMax, timeZone: zone ?? null, calendars };
    });
  }
}

/** The calendars to read, once each; default ["primary"]. */
export function calendarIdsOf(ids: string[] | undefined): string[] {
  const calendarIds = [
    ...new Set((ids ?? ["primary"]).map((id, index) => calendarIdOf(id, `calendarIds[${index}]`))),
  ];
  if (calendarIds.length === 0 || calendarIds.length > MAX_CALENDARS) {
    throw invalidArgument("calendarIds", `must list 1 to ${MAX_CALENDARS} calendars`);
  }
  return calendarIds;
}

/** @throws DomainError invalid_argument when the window is empty or longer than Google allows */
export function checkWindow(timeMin: Date, timeMax: Date): void {
  if (timeMax <= timeMin) throw invalidArgument("timeMax", "must be after timeMin");
  if (timeMax.getTime() - timeMin.getTime() > MAX_FREE_BUSY_DAYS * 86_400_000) {
    throw invalidArgument("timeMax", `must be at most ${MAX_FREE_BUSY_DAYS} days after timeMin`);
  }
}
