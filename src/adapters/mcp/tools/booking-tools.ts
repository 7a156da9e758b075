import { z } from "zod";
import { parseTimeInput } from "../../../domain/event-times.ts";
import {
  approvalArg,
  attendeesArg,
  calendarIdArg,
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
  shownZone,
  toBookingOutput,
  toEventTimeOutput,
} from "./calendar-views.ts";

/** Writing to the user's calendar: book, change, cancel, answer an invitation. */

const APPROVAL_NOTE =
  " Google may hold it for the user's approval (approval_required): ask the user, then call again with the " +
  "same arguments plus approval.";

export const createBooking: McpTool = defineTool({
  name: "create_booking",
  title: "Book an event",
  description:
    "Create an event in the user's calendar after checking the time is free; a clash fails with time_conflict " +
    "(listing the busy times) unless allow_conflicts is true. A recurring booking is checked on every " +
    "occurrence in its first 90 days (occurrences_checked says what was covered). Pass an idempotency_key " +
    "so a retried call never books twice: a replay answers the same event with created false (the same key " +
    "with other arguments is idempotency_key_reused). " +
    "A start in the past is refused unless allow_past is true: call current_time to know today's date." +
    APPROVAL_NOTE,
  input: z.object({
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
    allow_past: z
      .boolean()
      .optional()
      .describe("Book even if it starts in the past; default false (a past start is refused)"),
    add_meet_link: z.boolean().optional().describe("Attach a Google Meet link"),
    send_updates: sendUpdatesArg.optional(),
    recurrence: z.array(z.string()).optional().describe('RFC 5545 lines, e.g. ["RRULE:FREQ=WEEKLY;COUNT=4"]'),
    approval: approvalArg.optional(),
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
  async run(services, customerId, args) {
    const booked = await services.bookEvent.execute(customerId, {
      summary: args.summary,
      start: parseTimeInput("start", args.start),
      end: parseTimeInput("end", args.end),
      timeZone: args.time_zone,
      description: args.description,
      location: args.location,
      attendees: args.attendees,
      calendarId: args.calendar_id,
      idempotencyKey: args.idempotency_key,
      allowConflicts: args.allow_conflicts,
      allowPast: args.allow_past,
      addMeetLink: args.add_meet_link,
      sendUpdates: args.send_updates,
      recurrence: args.recurrence,
      approval: args.approval,
    });
    const { event } = booked;
    const zone = shownZone(args.time_zone);
    const created = booked.kind === "created";
    const verb = created ? "Booked" : "Already booked earlier (same idempotency_key)";
    const checked = booked.kind === "created" ? booked.occurrencesChecked : undefined;
    const coverage =
      checked === undefined
        ? ""
        : checked.all
          ? ` All ${checked.count} occurrences were checked: no conflicts.`
          : ` ${checked.count} occurrence(s) checked: no conflicts. ${checked.note ?? "The rest were not checked"}.`;
    return {
      data: {
        ...toBookingOutput(event, zone),
        created,
        ...(checked === undefined ? {} : { occurrences_checked: checked }),
      },
      summary: `${verb}: "${event.summary ?? args.summary}" from ${describeTime(event.start, zone)} to ${describeTime(event.end, zone)}.${coverage}`,
    };
  },
});

export const updateBooking: McpTool = defineTool({
  name: "update_booking",
  title: "Change a booking",
  description:
    "Change or reschedule an event: only the fields given change. A new start alone keeps the length; " +
    "a move into busy time fails with time_conflict unless allow_conflicts is true. If the event changed " +
    "elsewhere meanwhile, precondition_failed (reason event_changed): read it again and retry. A new start " +
    "in the past is refused unless allow_past is true." +
    APPROVAL_NOTE,
  input: z.object({
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
    approval: approvalArg.optional(),
    allow_past: z
      .boolean()
      .optional()
      .describe("Move even to a start in the past; default false (a past start is refused)"),
  }),
  output: bookingOutput,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  async run(services, customerId, args) {
    const updated = await services.updateBooking.execute(customerId, {
      eventId: args.event_id,
      calendarId: args.calendar_id,
      summary: args.summary,
      start: args.start === undefined ? undefined : parseTimeInput("start", args.start),
      end: args.end === undefined ? undefined : parseTimeInput("end", args.end),
      timeZone: args.time_zone,
      description: args.description,
      location: args.location,
      attendees: args.attendees,
      sendUpdates: args.send_updates,
      allowConflicts: args.allow_conflicts,
      approval: args.approval,
      allowPast: args.allow_past,
    });
    const zone = shownZone(args.time_zone);
    return {
      data: toBookingOutput(updated, zone),
      summary: `Updated "${updated.summary ?? "(no title)"}": now ${describeTime(updated.start, zone)} to ${describeTime(updated.end, zone)}.`,
    };
  },
});

export const cancelBooking: McpTool = defineTool({
  name: "cancel_booking",
  title: "Cancel a booking",
  description: `Delete an event from the user's calendar (attendees are notified per send_updates).${APPROVAL_NOTE}`,
  input: z.object({
    event_id: z.string().describe("The event to cancel"),
    calendar_id: calendarIdArg.optional(),
    send_updates: sendUpdatesArg.optional(),
    approval: approvalArg.optional(),
  }),
  output: z.object({ event_id: z.string(), calendar_id: z.string(), status: z.literal("cancelled") }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  async run(services, customerId, args) {
    const cancelled = await services.cancelBooking.execute(customerId, {
      eventId: args.event_id,
      calendarId: args.calendar_id,
      sendUpdates: args.send_updates,
      approval: args.approval,
    });
    return {
      data: { event_id: cancelled.eventId, calendar_id: cancelled.calendarId, status: "cancelled" as const },
      summary: `Cancelled event ${cancelled.eventId}.`,
    };
  },
});

export const respondToInvitation: McpTool = defineTool({
  name: "respond_to_invitation",
  title: "Answer an invitation",
  description: `Accept, decline or tentatively accept an event the user is invited to.${APPROVAL_NOTE}`,
  input: z.object({
    event_id: z.string().describe("The event the user is invited to"),
    response: z.enum(["accepted", "declined", "tentative"]).describe("The user's answer"),
    calendar_id: calendarIdArg.optional(),
    send_updates: sendUpdatesArg.optional().describe("Whom Google emails about the answer"),
    approval: approvalArg.optional(),
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
  async run(services, customerId, args) {
    const answered = await services.respondToInvitation.execute(customerId, {
      eventId: args.event_id,
      response: args.response,
      calendarId: args.calendar_id,
      sendUpdates: args.send_updates,
      approval: args.approval,
    });
    const { event } = answered;
    return {
      data: {
        event_id: event.id,
        calendar_id: answered.calendarId,
        summary: event.summary,
        start: toEventTimeOutput(event.start),
        end: toEventTimeOutput(event.end),
        response_status: answered.response,
      },
      summary: `Answered "${answered.response}" to "${event.summary ?? "(no title)"}".`,
    };
  },
});
