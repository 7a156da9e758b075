import { z } from "zod";
import { parseTimeInput } from "../../../domain/event-times.ts";
import type { WorkingHours } from "../../../domain/free-slots.ts";
import {
  approvalArg,
  calendarIdArg,
  defineTool,
  type McpTool,
  TIME_FORMS,
  timeZoneArg,
} from "../tool-definition.ts";
import { busyOutput, toBusyOutput } from "./calendar-views.ts";

/** When is the user busy, and when could a meeting fit. */

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };

export const checkAvailability: McpTool = defineTool({
  name: "check_availability",
  title: "Check availability",
  description:
    "Busy intervals of one or more calendars over a window of at most 90 days (Google's free/busy). " +
    "Use it before proposing or booking a time. Times come back in time_zone when given, else in the " +
    "calendar's zone for a local window, else in UTC; the zone is named in the answer.",
  input: z.object({
    time_min: z.string().describe(`Window start; ${TIME_FORMS}`),
    time_max: z.string().describe(`Window end; same forms as time_min`),
    calendar_ids: z.array(calendarIdArg).optional().describe('Calendars to check, 1-50; default ["primary"]'),
    time_zone: timeZoneArg.optional(),
    approval: approvalArg.optional(),
  }),
  output: z.object({
    time_min: z.string(),
    time_max: z.string(),
    time_zone: z.string().describe("The zone every time of this answer is written in"),
    calendars: z.array(
      z.object({
        calendar_id: z.string(),
        busy: z.array(busyOutput),
        error: z.string().optional().describe("Google could not read this calendar (e.g. notFound)"),
      }),
    ),
  }),
  annotations: READ_ONLY,
  async run(services, customerId, args) {
    const result = await services.checkAvailability.execute(customerId, {
      timeMin: parseTimeInput("time_min", args.time_min),
      timeMax: parseTimeInput("time_max", args.time_max),
      calendarIds: args.calendar_ids,
      timeZone: args.time_zone,
      approval: args.approval,
    });
    // No zone given or needed: the times are UTC, and the answer says so beside them.
    const zone = result.timeZone ?? "UTC";
    const window = toBusyOutput({ start: result.timeMin, end: result.timeMax }, zone);
    const calendars = result.calendars.map((calendar) =>
      "error" in calendar
        ? { calendar_id: calendar.calendarId, busy: [], error: calendar.error }
        : {
            calendar_id: calendar.calendarId,
            busy: calendar.busy.map((interval) => toBusyOutput(interval, zone)),
          },
    );
    const busy = calendars.reduce((sum, calendar) => sum + calendar.busy.length, 0);
    return {
      data: { time_min: window.start, time_max: window.end, time_zone: zone, calendars },
      summary:
        busy === 0
          ? `Free from ${window.start} to ${window.end}.`
          : `${busy} busy interval(s) between ${window.start} and ${window.end}.`,
    };
  },
});

export const findAvailableSlots: McpTool = defineTool({
  name: "find_available_slots",
  title: "Find available slots",
  description:
    "Free slots of a given length inside working hours, in the user's time zone, starting on quarter hours. " +
    "Use it to propose meeting times.",
  input: z.object({
    time_min: z.string().describe(`Search from; ${TIME_FORMS}`),
    time_max: z.string().describe("Search until; same forms as time_min; at most 90 days after it"),
    duration_minutes: z.number().int().min(5).max(1440).describe("Length of each slot, 5-1440 minutes"),
    time_zone: timeZoneArg
      .optional()
      .describe("IANA zone working hours are read in; default: the calendar's"),
    working_hours: z
      .strictObject({
        start: z.string().optional().describe('"HH:MM", default "09:00"'),
        end: z.string().optional().describe('"HH:MM" up to "24:00", default "17:00"'),
        days: z
          .array(z.number().int().min(1).max(7))
          .optional()
          .describe("ISO weekdays, 1 = Monday ... 7 = Sunday; default 1-5"),
      })
      .optional()
      .describe("When slots may fall; default Monday-Friday 09:00-17:00"),
    max_results: z.number().int().min(1).max(100).optional().describe("1-100 slots; default 20"),
    calendar_ids: z
      .array(calendarIdArg)
      .optional()
      .describe('Calendars whose busy time counts; default ["primary"]'),
    approval: approvalArg.optional(),
  }),
  output: z.object({
    time_zone: z.string(),
    duration_minutes: z.number(),
    working_hours: z.object({ start: z.string(), end: z.string(), days: z.array(z.number()) }),
    slots: z.array(busyOutput).describe("Free slots in time order"),
  }),
  annotations: READ_ONLY,
  async run(services, customerId, args) {
    const result = await services.findAvailableSlots.execute(customerId, {
      timeMin: parseTimeInput("time_min", args.time_min),
      timeMax: parseTimeInput("time_max", args.time_max),
      durationMinutes: args.duration_minutes,
      timeZone: args.time_zone,
      workingHours: args.working_hours,
      maxResults: args.max_results,
      calendarIds: args.calendar_ids,
      approval: args.approval,
    });
    const slots = result.slots.map((slot) => toBusyOutput(slot, result.timeZone));
    const first = slots[0];
    return {
      data: {
        time_zone: result.timeZone,
        duration_minutes: result.durationMinutes,
        working_hours: toWorkingHoursOutput(result.workingHours),
        slots,
      },
      summary:
        first === undefined
          ? "No free slot of that length in the window."
          : `${slots.length} free slot(s); the first from ${first.start} to ${first.end} (${result.timeZone}).`,
    };
  },
});

function toWorkingHoursOutput(hours: WorkingHours): { start: string; end: string; days: number[] } {
  return { start: hhmm(hours.startMinute), end: hhmm(hours.endMinute), days: hours.days };
}

function hhmm(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
}
