import { z } from "zod";
import { formatDate, formatInstant, formatOffset } from "../../../domain/zoned-time.ts";
import { defineTool, type McpTool, timeZoneArg } from "../tool-definition.ts";

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

/** "Now" for the model, which has no clock of its own: the base for "tomorrow" and "next Friday". */
export const currentTime: McpTool = defineTool({
  name: "current_time",
  title: "Current date and time",
  description:
    "The current date, weekday, local time and UTC offset in the user's calendar time zone (or in time_zone), " +
    'and the current instant. Call it before turning "today", "tomorrow" or "next Friday" into dates. ' +
    "Without time_zone it reads the calendar's zone (one Google request); with it, Google is not asked.",
  input: z.object({
    time_zone: timeZoneArg
      .optional()
      .describe("IANA zone to read the time in; default: the user's calendar's"),
  }),
  output: z.object({
    now: z.string().describe("The current instant, UTC (RFC 3339)"),
    time_zone: z.string().describe("The zone the local fields are in"),
    time_zone_source: z
      .enum(["argument", "calendar"])
      .describe("Whether time_zone was given or is the calendar's"),
    date_time: z.string().describe("The current local time in time_zone, with its offset (RFC 3339)"),
    date: z.string().describe("Today's date in time_zone (YYYY-MM-DD)"),
    weekday: z.enum(WEEKDAYS).describe("Today's weekday in time_zone"),
    time: z.string().describe("The local time in time_zone (HH:MM)"),
    utc_offset: z.string().describe('time_zone\'s offset from UTC now, e.g. "+01:00" ("Z" for zero)'),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async run(services, customerId, args) {
    const now = await services.currentTime.execute(customerId, { timeZone: args.time_zone });
    const { local } = now;
    const weekday = WEEKDAYS[local.weekday - 1] ?? "Monday";
    const time = `${String(local.hour).padStart(2, "0")}:${String(local.minute).padStart(2, "0")}`;
    const offset = formatOffset(now.offsetMinutes);
    return {
      data: {
        now: formatInstant(now.now),
        time_zone: now.timeZone,
        time_zone_source: now.zoneFrom,
        date_time: formatInstant(now.now, now.timeZone),
        date: formatDate(local),
        weekday,
        time,
        utc_offset: offset === "Z" ? "+00:00" : offset,
      },
      summary: `It is ${weekday} ${formatDate(local)} ${time} in ${now.timeZone} (UTC${offset === "Z" ? "" : offset}).`,
    };
  },
});
