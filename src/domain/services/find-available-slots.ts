import type { Interval } from "../calendar.ts";
import type { CustomerId } from "../customer-id.ts";
import { type TimeInput, toInstant } from "../event-times.ts";
import { findFreeSlots, type WorkingHours } from "../free-slots.ts";
import type { ApprovalAnswer } from "../ports/calendar-gateway.ts";
import { approvalOf } from "./approval-of.ts";
import type { CalendarDeps } from "./calendar-deps.ts";
import { integerIn, invalidArgument, timeZoneOf } from "./calendar-inputs.ts";
import { calendarIdsOf, checkWindow } from "./check-availability.ts";
import { busyOf } from "./conflicts.ts";
import { withAccessToken } from "./with-access-token.ts";

export interface WorkingHoursChoice {
  /** "HH:MM", default "09:00". */
  start?: string;
  /** "HH:MM" (up to "24:00"), default "17:00". */
  end?: string;
  /** ISO weekdays (1 = Monday … 7 = Sunday), default [1, 2, 3, 4, 5]. */
  days?: number[];
}

export interface FindAvailableSlotsCommand {
  timeMin: TimeInput;
  timeMax: TimeInput;
  /** 5–1440. */
  durationMinutes: number;
  /** Zone the working hours are read in; default: the primary calendar's. */
  timeZone?: string;
  workingHours?: WorkingHoursChoice;
  /** 1–100, default 20. */
  maxResults?: number;
  /** Calendars whose busy time counts; default ["primary"]. */
  calendarIds?: string[];
  /** Repeat of a call Google held for the user's approval (DomainError approval_required). */
  approval?: ApprovalAnswer;
}

export interface AvailableSlots {
  timeZone: string;
  durationMinutes: number;
  workingHours: WorkingHours;
  /** Non-overlapping free slots, starting on 15-minute marks. */
  slots: Interval[];
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
  async execute(customerId: CustomerId, command: FindAvailableSlotsCommand): Promise<AvailableSlots> {
    const timeZone = timeZoneOf(command.timeZone);
    const { timeMin: minInput, timeMax: maxInput } = command;
    const duration = integerIn("durationMinutes", command.durationMinutes, 5, 1440);
    if (duration === undefined) throw invalidArgument("durationMinutes", "is required");
    const maxResults = integerIn("maxResults", command.maxResults, 1, 100) ?? DEFAULT_MAX_RESULTS;
    const workingHours = workingHoursOf(command.workingHours);
    const calendarIds = calendarIdsOf(command.calendarIds);

    return withAccessToken(this.#deps.tokens, customerId, async (token) => {
      const zone = timeZone ?? (await this.#deps.calendar.getTimeZone(token.accessToken, "primary"));
      const timeMin = toInstant("timeMin", minInput, zone);
      const timeMax = toInstant("timeMax", maxInput, zone);
      checkWindow(timeMin, timeMax);
      // Slots in the past are no use to anyone.
      const now = this.#deps.clock.now();
      const start = new Date(Math.max(timeMin.getTime(), now.getTime()));
      const result = { timeZone: zone, durationMinutes: duration, workingHours };
      if (start >= timeMax) return { ...result, slots: [] };
      const answer = await this.#deps.calendar.freeBusy(token.accessToken, {
        timeMin: start,
        timeMax,
        calendarIds,
        timeZone: zone,
        ...approvalOf(customerId, command.approval),
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
      return { ...result, slots };
    });
  }
}

function workingHoursOf(input: WorkingHoursChoice | undefined): WorkingHours {
  const startMinute = minuteOf("workingHours.start", input?.start ?? "09:00");
  const endMinute = minuteOf("workingHours.end", input?.end ?? "17:00");
  if (endMinute <= startMinute) throw invalidArgument("workingHours.end", "must be after workingHours.start");
  const days = [...new Set(input?.days ?? [1, 2, 3, 4, 5])].sort((a, b) => a - b);
  if (days.length === 0 || days.some((day) => !Number.isInteger(day) || day < 1 || day > 7)) {
    throw invalidArgument("workingHours.days", "must list ISO weekdays from 1 (Monday) to 7 (Sunday)");
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
