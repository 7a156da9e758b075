import type { CustomerId } from "../customer-id.ts";
import { needsZone, parseTimeInput, toInstant } from "../event-times.ts";
import type { CalendarDeps } from "./calendar-deps.ts";
import { calendarIdOf, invalidArgument, timeZoneOf } from "./calendar-inputs.ts";
import { type BusyView, freeBusyError, toBusyView } from "./conflicts.ts";
import { withAccessToken } from "./with-access-token.ts";

/** Google refuses free/busy windows longer than this (timeRangeTooLong). */
export const MAX_FREE_BUSY_DAYS = 90;
/** Google's calendarExpansionMax ceiling. */
const MAX_CALENDARS = 50;

export interface CheckAvailabilityInput {
  time_min: string;
  time_max: string;
  /** Default ["primary"]. */
  calendar_ids?: string[];
  /**
   * IANA zone for local bounds and for the answer's times. Without it local bounds are read in
   * the primary calendar's zone and times come back in UTC.
   */
  time_zone?: string;
}

export interface CheckAvailabilityResult {
  time_min: string;
  time_max: string;
  time_zone: string | null;
  calendars: { calendar_id: string; busy: BusyView[]; error?: string }[];
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
  async execute(customerId: CustomerId, input: CheckAvailabilityInput): Promise<CheckAvailabilityResult> {
    const timeZone = timeZoneOf(input.time_zone);
    const minInput = parseTimeInput("time_min", input.time_min);
    const maxInput = parseTimeInput("time_max", input.time_max);
    const ids = (input.calendar_ids ?? ["primary"]).map((id, index) =>
      calendarIdOf(id, `calendar_ids[${index}]`),
    );
    const calendarIds = [...new Set(ids)];
    if (calendarIds.length === 0 || calendarIds.length > MAX_CALENDARS) {
      throw invalidArgument("calendar_ids", `must list 1 to ${MAX_CALENDARS} calendars`);
    }
    return withAccessToken(this.#deps.tokens, customerId, async (token) => {
      const needs = needsZone(minInput) || needsZone(maxInput);
      const zone =
        timeZone ?? (needs ? await this.#deps.calendar.getTimeZone(token.accessToken, "primary") : undefined);
      const timeMin = toInstant("time_min", minInput, zone);
      const timeMax = toInstant("time_max", maxInput, zone);
      checkWindow(timeMin, timeMax);
      const answer = await this.#deps.calendar.freeBusy(token.accessToken, {
        timeMin,
        timeMax,
        calendarIds,
        ...(zone === undefined ? {} : { timeZone: zone }),
      });
      const calendars = calendarIds.map((calendarId) => {
        const entry =
          answer.get(calendarId) ??
          (calendarIds.length === 1 && answer.size === 1 ? [...answer.values()][0] : undefined);
        if (entry === undefined) return { calendar_id: calendarId, busy: [], error: "missing" };
        if (entry.error !== undefined) {
          if (calendarIds.length === 1) throw freeBusyError(calendarId, entry.error);
          return { calendar_id: calendarId, busy: [], error: entry.error };
        }
        const busy = entry.busy.map((interval) => toBusyView(interval, zone));
        return { calendar_id: calendarId, busy };
      });
      return {
        time_min: toBusyView({ start: timeMin, end: timeMax }, zone).start,
        time_max: toBusyView({ start: timeMin, end: timeMax }, zone).end,
        time_zone: zone ?? null,
        calendars,
      };
    });
  }
}

/** @throws DomainError invalid_argument when the window is empty or longer than Google allows */
export function checkWindow(timeMin: Date, timeMax: Date): void {
  if (timeMax <= timeMin) throw invalidArgument("time_max", "must be after time_min");
  if (timeMax.getTime() - timeMin.getTime() > MAX_FREE_BUSY_DAYS * 86_400_000) {
    throw invalidArgument("time_max", `must be at most ${MAX_FREE_BUSY_DAYS} days after time_min`);
  }
}
