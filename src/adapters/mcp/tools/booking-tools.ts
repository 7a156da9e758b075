import { z } from "zod";
import {
  attendeesArg,
  calendarIdArg,
  customerIdArg,
  defineTool,
  type McpTool,
  sendUpdatesArg,
  TIME_FORMS,
  timeZoneArg,
} from "../tool-definition.ts";
import {
  bookingOutput,
  describeTime,
  eventTimeOutput,
  toBookingOutput,
  toEventTimeOutput,
} from "./calendar-views.ts";

/** Writing to the user's calendar: book, change, cancel, answer an invitation. */

export const createBooking: McpTool = defineTool({
  name: "create_booking",
  title: "Book an event",
  description:
    "Create an event in the user's calendar after checking the time is free; a clash fails with time_conflict " +
    "(listing the busy times) unless allow_conflicts is true. A recurring booking is checked on every " +
    "occurrence in its first 90 days (occurrences_checked says what was covered). Pass an idempotency_key " +
    "so a retried call never books twice: a replay answers the same event with created false.",
  input: z.object({
    customer_id: customerIdArg,
    summary: z.string().describe("Title of the event"),
    start: z.string().describe(`Start; ${TIME_FORMS} for an all-day event`),
    end: z.string().describe("End; same forms as start (an all-day end date is exclusive: the next day)"),
    time_zone: timeZoneArg
      .optional()
      .describe("IANA zone for local times and recurrences; default: the calendar's"),
    description: z.string().optional().describe("Event description"),
    location: z.string().optional().describe("Where it happens"),
    attendees: attendeesArg.optional(),
    calendar_id: calendarIdArg.optional(),
    idempotency_key: z
      .string()
      .optional()
      .describe("Your unique id for this booking request (e.g. a message id)"),
    allow_conflicts: z
      .boolean()
      .optional()
      .describe("Book even if the time overlaps busy time; default false"),
    add_meet_link: z.boolean().optional().describe("Attach a Google Meet link"),
    send_updates: sendUpdatesArg.optional(),
    recurrence: z.array(z.string()).optional().describe('RFC 5545 lines, e.g. ["RRULE:FREQ=WEEKLY;COUNT=4"]'),
  }),
  output: bookingOutput.extend({
    created: z.boolean().describe("False when an earlier call with the same idempotency_key made this event"),
    occurrences_checked: z
      .object({
        count: z.number().describe("Occurrences compared with the calendar's busy time"),
        all: z.boolean().describe("True when that is every occurrence of the series"),
        note: z.string().optional().describe("When not all: which were left out, and why"),
      })
      .optional()
      .describe("For a recurring booking: what the conflict check covered"),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async run(services, customerId, { customer_id: _, ...input }) {
    const booked = await services.bookEvent.execute(customerId, input);
    const verb = booked.created ? "Booked" : "Already booked earlier (same idempotency_key)";
    const checked = booked.occurrences_checked;
    const coverage =
      checked === undefined
        ? ""
        : checked.all
          ? ` All ${checked.count} occurrences were checked: no conflicts.`
          : ` ${checked.count} occurrence(s) checked: no conflicts. ${checked.note ?? "The rest were not checked"}.`;
    return {
      data: {
        ...toBookingOutput(booked),
        created: booked.created,
        ...(checked === undefined ? {} : { occurrences_checked: checked }),
      },
      summary: `${verb}: "${booked.summary ?? input.summary}" from ${describeTime(booked.start)} to ${describeTime(booked.end)}.${coverage}`,
    };
  },
});

export const updateBooking: McpTool = defineTool({
  name: "update_booking",
  title: "Change a booking",
  description:
    "Change or reschedule an event: only the fields given change. A new start alone keeps the length; " +
    "a move into busy time fails with time_conflict unless allow_conflicts is true. If the event changed " +
    "elsewhere meanwhile, precondition_failed: read it again and retry.",
  input: z.object({
    customer_id: customerIdArg,
    event_id: z.string().describe("The event to change"),
    calendar_id: calendarIdArg.optional(),
    summary: z.string().optional().describe("New title"),
    start: z.string().optional().describe(`New start; ${TIME_FORMS}`),
    end: z.string().optional().describe("New end; same forms as start"),
    time_zone: timeZoneArg.optional().describe("IANA zone for local times; default: the event's own"),
    description: z.string().optional().describe("New description"),
    location: z.string().optional().describe("New location"),
    attendees: attendeesArg.optional().describe("Replaces the attendee list; people kept keep their answers"),
    send_updates: sendUpdatesArg.optional(),
    allow_conflicts: z
      .boolean()
      .optional()
      .describe("Move even if the new time overlaps busy time; default false"),
  }),
  output: bookingOutput,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  async run(services, customerId, { customer_id: _, ...input }) {
    const updated = await services.updateBooking.execute(customerId, input);
    return {
      data: toBookingOutput(updated),
      summary: `Updated "${updated.summary ?? "(no title)"}": now ${describeTime(updated.start)} to ${describeTime(updated.end)}.`,
    };
  },
});

export const cancelBooking: McpTool = defineTool({
  name: "cancel_booking",
  title: "Cancel a booking",
  description: "Delete an event from the user's calendar (attendees are notified per send_updates).",
  input: z.object({
    customer_id: customerIdArg,
    event_id: z.string().describe("The event to cancel"),
    calendar_id: calendarIdArg.optional(),
    send_updates: sendUpdatesArg.optional(),
  }),
  output: z.object({ event_id: z.string(), calendar_id: z.string(), status: z.literal("cancelled") }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  async run(services, customerId, { customer_id: _, ...input }) {
    const result = await services.cancelBooking.execute(customerId, input);
    return { data: result, summary: `Cancelled event ${result.event_id}.` };
  },
});

export const respondToInvitation: McpTool = defineTool({
  name: "respond_to_invitation",
  title: "Answer an invitation",
  description: "Accept, decline or tentatively accept an event the user is invited to.",
  input: z.object({
    customer_id: customerIdArg,
    event_id: z.string().describe("The event the user is invited to"),
    response: z.enum(["accepted", "declined", "tentative"]).describe("The user's answer"),
    calendar_id: calendarIdArg.optional(),
    send_updates: sendUpdatesArg.optional().describe("Whom Google emails about the answer"),
  }),
  output: z.object({
    event_id: z.string(),
    calendar_id: z.string(),
    summary: z.string().nullable(),
    start: eventTimeOutput,
    end: eventTimeOutput,
    response_status: z.enum(["accepted", "declined", "tentative"]),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async run(services, customerId, { customer_id: _, ...input }) {
    const result = await services.respondToInvitation.execute(customerId, input);
    return {
      data: { ...result, start: toEventTimeOutput(result.start), end: toEventTimeOutput(result.end) },
      summary: `Answered "${result.response_status}" to "${result.summary ?? "(no title)"}".`,
    };
  },
});
