import type { CustomerId } from "../customer-id.ts";
import { parseTimeInput, toInstant } from "../event-times.ts";
import { findFreeSlots, type WorkingHours } from "../free-slots.ts";
import type { CalendarDeps } from "./calendar-deps.ts";
import { calendarIdOf, integerIn, invalidArgument, timeZoneOf } from "./calendar-inputs.ts";
import { checkWindow } from "./check-availability.ts";
import { type BusyView, busyOf, toBusyView } from "./conflicts.ts";
import { withAccessToken } from "./with-access-token.ts";

export interface WorkingHoursInput {
  /** "HH:MM", default "09:00". */
  start?: string;
  /** "HH:MM" (up to "24:00"), default "17:00". */
  end?: string;
  /** ISO weekdays (1 = Monday … 7 = Sunday), default [1, 2, 3, 4, 5]. */
  days?: number[];
}

export interface FindAvailableSlotsInput {
  time_min: string;
  time_max: string;
  /** 5–1440. */
  duration_minutes: number;
  /** Zone the working hours are read in; default: the primary calendar's. */
  time_zone?: string;
  working_hours?: WorkingHoursInput;
  /** 1–100, default 20. */
  max_results?: number;
  /** Calendars whose busy time counts; default ["primary"]. */
  calendar_ids?: string[];
}

export interface FindAvailableSlotsResult {
  time_zone: string;
  duration_minutes: number;
  working_hours: { start: string; end: string; days: number[] };
  /** Non-overlapping free slots, starts on 15-minute marks, in the zone's offset. */
  slots: BusyView[];
}

const DEFAULT_MAX_RESULTS = 20;
const HH_MM = /^(\d{2}):(\d{2})$/;

/** Free slots of a given length inside working hours, in the customer's time zone. */
export class FindAvailableSlots {
  readonly #deps: Pick<CalendarDeps, "tokens" | "calendar" | "clock">;

  constructor(deps: Pick<CalendarDeps, "tokens" | "calendar" | "clock">) {
    this.#deps = deps;
  }

  /** @throws DomainError invalid_argument, not_found (calendar), and the gateway's errors */
  async execute(customerId: CustomerId, input: FindAvailableSlotsInput): Promise<FindAvailableSlotsResult> {
    const timeZone = timeZoneOf(input.time_zone);
    const minInput = parseTimeInput("time_min", input.time_min);
    const maxInput = parseTimeInput("time_max", input.time_max);
    const duration = integerIn("duration_minutes", input.duration_minutes, 5, 1440);
    if (duration === undefined) throw invalidArgument("duration_minutes", "is required");
    const maxResults = integerIn("max_results", input.max_results, 1, 100) ?? DEFAULT_MAX_RESULTS;
    const workingHours = workingHoursOf(input.working_hours);
    const ids = (input.calendar_ids ?? ["primary"]).map((id, index) =>
      calendarIdOf(id, `calendar_ids[${index}]`),
    );
    const calendarIds = [...new Set(ids)];
    if (calendarIds.length === 0 || calendarIds.length > 50) {
      throw invalidArgument("calendar_ids", "must list 1 to 50 calendars");
    }

    return withAccessToken(this.#deps.tokens, customerId, async (token) => {
      const zone = timeZone ?? (await this.#deps.calendar.getTimeZone(token.accessToken, "primary"));
      const timeMin = toInstant("time_min", minInput, zone);
      const timeMax = toInstant("time_max", maxInput, zone);
      checkWindow(timeMin, timeMax);
      // Slots in the past are no use to anyone.
      const now = this.#deps.clock.now();
      const start = new Date(Math.max(timeMin.getTime(), now.getTime()));
      const result = {
        time_zone: zone,
        duration_minutes: duration,
        working_hours: {
          start: formatMinute(workingHours.startMinute),
          end: formatMinute(workingHours.endMinute),
          days: workingHours.days,
        },
      };
      if (start >= timeMax) return { ...result, slots: [] };
      const answer = await this.#deps.calendar.freeBusy(token.accessToken, {
        timeMin: start,
        timeMax,
        calendarIds,
        timeZone: zone,
      });
      const busy = calendarIds.flatMap((calendarId) => busyOf(answer, calendarId));
      const slots = findFreeSlots({
        window: { start, end: timeMax },
        busy,
        durationMinutes: duration,
        zone,
        workingHours,
        maxResults,
      });
      return { ...result, slots: slots.map((slot) => toBusyView(slot, zone)) };
    });
  }
}

function workingHoursOf(input: WorkingHoursInput | undefined): WorkingHours {
  const startMinute = minuteOf("working_hours.start", input?.start ?? "09:00");
  const endMinute = minuteOf("working_hours.end", input?.end ?? "17:00");
  if (endMinute <= startMinute)
    throw invalidArgument("working_hours.end", "must be after working_hours.start");
  const days = [...new Set(input?.days ?? [1, 2, 3, 4, 5])].sort((a, b) => a - b);
  if (days.length === 0 || days.some((day) => !Number.isInteger(day) || day < 1 || day > 7)) {
    throw invalidArgument("working_hours.days", "must list ISO weekdays from 1 (Monday) to 7 (Sunday)");
  }
  return { startMinute, endMinute, days };
}

function minuteOf(field: string, value: string): number {
  const match = HH_MM.exec(value);
  const minute = match === null ? Number.NaN : Number(match[1]) * 60 + Number(match[2]);
  if (match === null || Number(match[2]) > 59 || minute > 1440) {
    throw invalidArgument(field, `must be "HH:MM" from "00:00" to "24:00"; got "${value}"`);
  }
  return minute;
}

function formatMinute(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
}
