import { z } from "zod";
import { parseTimeInput } from "../../../domain/event-times.ts";
import {
  approvalArg,
  calendarIdArg,
  defineTool,
  type McpTool,
  TIME_FORMS,
  timeZoneArg,
} from "../tool-definition.ts";
import {
  calendarOutput,
  describeTime,
  eventOutput,
  shownZone,
  toCalendarOutput,
  toEventOutput,
} from "./calendar-views.ts";
import {
  boundedPageSize,
  listedEventOutput,
  MAX_EVENTS_PER_PAGE,
  toListedEvent,
} from "./event-list-bounds.ts";

/** Reading the user's calendars and events. */

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };

export const listCalendars: McpTool = defineTool({
  name: "list_calendars",
  title: "List calendars",
  description: "The calendars in the user's Google Calendar list, primary first, with their time zones.",
  input: z.object({}),
  output: z.object({ calendars: z.array(calendarOutput) }),
  annotations: READ_ONLY,
  async run(services, customerId) {
    const { calendars } = await services.listCalendars.execute(customerId);
    const primary = calendars.find((calendar) => calendar.primary);
    return {
      data: { calendars: calendars.map(toCalendarOutput) },
      summary: `${calendars.length} calendar(s)${primary === undefined ? "" : `; primary is ${primary.id} (${primary.timeZone})`}.`,
    };
  },
});

export const listEvents: McpTool = defineTool({
  name: "list_events",
  title: "List events",
  description:
    "Events in a time window, recurring events expanded into their instances, ordered by start. " +
    "Without time_min and time_max it lists what is coming from now on. Long descriptions are cut " +
    "short (description_truncated); get_event gives the full event.",
  input: z.object({
    calendar_id: calendarIdArg.optional(),
    time_min: z.string().optional().describe(`Only events ending after this; ${TIME_FORMS}. Default: now`),
    time_max: z.string().optional().describe(`Only events starting before this; ${TIME_FORMS}`),
    query: z
      .string()
      .optional()
      .describe("Free text matched against summary, description, location, attendees"),
    max_results: z
      .number()
      .int()
      .min(1)
      .max(2500)
      .optional()
      .describe(
        `Events per page, at most ${MAX_EVENTS_PER_PAGE} (more is served as ${MAX_EVENTS_PER_PAGE}); default ${MAX_EVENTS_PER_PAGE}`,
      ),
    page_token: z.string().optional().describe("next_page_token of a previous answer, for the next page"),
    time_zone: timeZoneArg.optional(),
    approval: approvalArg.optional(),
  }),
  output: z.object({
    events: z.array(listedEventOutput),
    next_page_token: z
      .string()
      .nullable()
      .describe("Pass back as page_token for more; null on the last page"),
  }),
  annotations: READ_ONLY,
  async run(services, customerId, args) {
    const page = await services.listEvents.execute(customerId, {
      calendarId: args.calendar_id,
      timeMin: args.time_min === undefined ? undefined : parseTimeInput("time_min", args.time_min),
      timeMax: args.time_max === undefined ? undefined : parseTimeInput("time_max", args.time_max),
      query: args.query,
      maxResults: boundedPageSize(args.max_results),
      pageToken: args.page_token,
      timeZone: args.time_zone,
      approval: args.approval,
    });
    const first = page.events[0];
    // The caller's zone, else the calendar's (Google sends it with the page): every time is
    // written with the offset of the zone named beside it.
    const zone = shownZone(args.time_zone) ?? page.calendarTimeZone ?? undefined;
    return {
      data: {
        events: page.events.map((event) => toListedEvent(event, zone)),
        next_page_token: page.nextPageToken,
      },
      summary:
        page.events.length === 0
          ? "No events in that window."
          : `${page.events.length} event(s), the first "${first?.summary ?? "(no title)"}" at ${first === undefined ? "" : describeTime(first.start, zone)}${page.nextPageToken === null ? "" : "; more pages follow"}.`,
    };
  },
});

export const getEvent: McpTool = defineTool({
  name: "get_event",
  title: "Get an event",
  description: 'One event by id. A cancelled event comes back with status "cancelled".',
  input: z.object({
    event_id: z.string().describe("The event's id, from list_events or a booking"),
    calendar_id: calendarIdArg.optional(),
    approval: approvalArg.optional(),
    time_zone: timeZoneArg.optional().describe("IANA zone to write the times in; default: the event's own"),
  }),
  output: eventOutput,
  annotations: READ_ONLY,
  async run(services, customerId, args) {
    // Checked before Google is asked: a bad zone costs no request.
    const zone = shownZone(args.time_zone);
    const event = await services.getEvent.execute(customerId, {
      eventId: args.event_id,
      calendarId: args.calendar_id,
      approval: args.approval,
    });
    return {
      data: toEventOutput(event, zone),
      summary: `"${event.summary ?? "(no title)"}" from ${describeTime(event.start, zone)} to ${describeTime(event.end, zone)} (${event.status}).`,
    };
  },
});
