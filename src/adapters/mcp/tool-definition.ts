import type { ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { CustomerId } from "../../domain/customer-id.ts";
import type { BookEvent } from "../../domain/services/book-event.ts";
import type { CancelBooking } from "../../domain/services/cancel-booking.ts";
import type { CheckAvailability } from "../../domain/services/check-availability.ts";
import type { ConnectCalendar } from "../../domain/services/connect-calendar.ts";
import type { GetCurrentTime } from "../../domain/services/current-time.ts";
import type { DisconnectCalendar } from "../../domain/services/disconnect-calendar.ts";
import type { FindAvailableSlots } from "../../domain/services/find-available-slots.ts";
import type { GetConnectionStatus } from "../../domain/services/get-connection-status.ts";
import type { GetEvent } from "../../domain/services/get-event.ts";
import type { ListCalendars } from "../../domain/services/list-calendars.ts";
import type { ListEvents } from "../../domain/services/list-events.ts";
import type { RespondToInvitation } from "../../domain/services/respond-to-invitation.ts";
import type { UpdateBooking } from "../../domain/services/update-booking.ts";

/** The domain services the MCP tools drive, one per verb. */
export interface McpServices {
  connect: ConnectCalendar;
  status: GetConnectionStatus;
  disconnect: DisconnectCalendar;
  listCalendars: ListCalendars;
  listEvents: ListEvents;
  getEvent: GetEvent;
  checkAvailability: CheckAvailability;
  findAvailableSlots: FindAvailableSlots;
  bookEvent: BookEvent;
  updateBooking: UpdateBooking;
  cancelBooking: CancelBooking;
  respondToInvitation: RespondToInvitation;
  currentTime: GetCurrentTime;
}

/** What a tool hands back on success: the structured answer and one human line about it. */
export interface ToolAnswer<T> {
  data: T;
  summary: string;
}

/**
 * A tool as defined once, at module load: schemas and metadata are built a single time and
 * shared by every call. `input` holds the tool's own arguments: `customer_id`, every tool's, is
 * resolved before the tool runs (mcp-caller.ts) and published by the catalog, so no tool sees it.
 * `run` receives the arguments as `input` parsed them (tool-call.ts) and the customer the call
 * acts for; it maps them to the domain's command and the domain's answer back to `output`.
 */
export interface McpTool {
  name: string;
  title: string;
  description: string;
  input: z.ZodObject;
  output: z.ZodObject;
  annotations: ToolAnnotations;
  run(
    services: McpServices,
    customerId: CustomerId,
    args: Record<string, unknown>,
  ): Promise<ToolAnswer<unknown>>;
}

export interface ToolSpec<I extends z.ZodObject, O extends z.ZodObject> {
  name: string;
  title: string;
  description: string;
  /** Synchronous checks only: arguments are parsed with zod's synchronous `safeParse`. */
  input: I;
  output: O;
  annotations: Omit<ToolAnnotations, "title">;
  run(services: McpServices, customerId: CustomerId, args: z.infer<I>): Promise<ToolAnswer<z.infer<O>>>;
}

export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(spec: ToolSpec<I, O>): McpTool {
  return {
    ...spec,
    annotations: { title: spec.title, ...spec.annotations },
    // tool-call.ts hands `run` only what `spec.input` parsed successfully: the cast restates that.
    run: (services, customerId, args) => spec.run(services, customerId, args as z.infer<I>),
  };
}

/**
 * Every tool's first argument, as published. Not part of any tool's `input`: mcp-caller.ts checks
 * it by the domain rule, so a bad id is an invalid_customer_id tool error.
 */
export const customerIdArg = z
  .string()
  .describe(
    "Id of the end user whose calendar to use, as your backend knows them: 1-128 of A-Z a-z 0-9 . _ : @ -, starting with a letter or digit",
  );

export const calendarIdArg = z
  .string()
  .describe('Calendar id from list_calendars; default "primary" (the user\'s main calendar)');

export const timeZoneArg = z
  .string()
  .describe('IANA time zone, e.g. "Europe/Madrid"; used to read local times and to express the answer');

export const sendUpdatesArg = z
  .enum(["all", "externalOnly", "none"])
  .describe("Whom Google emails about the change; Google's default is none");

export const attendeesArg = z
  .array(
    // Strict, like every tool's arguments: a misspelt "optinal" is refused, not ignored.
    z.strictObject({
      email: z.string().describe("Attendee's email address"),
      optional: z.boolean().optional().describe("Attendance is optional"),
    }),
  )
  .describe("People to invite");

/**
 * The user's answer to an approval Google asked for (error approval_required): sent with the same
 * call repeated, unchanged otherwise. One definition for every tool that can raise it.
 */
export const approvalArg = z
  .object({
    token: z.string().describe("approval_token of the approval_required error"),
    action: z
      .enum(["accept", "decline", "cancel"])
      .describe("The user's answer: accept performs the call; decline or cancel do not"),
    content: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("The values of Google's form, when it had fields and the user accepted"),
  })
  .describe(
    "Only when repeating a call that failed with approval_required, after asking the user: their answer",
  );

/** The instant-or-local-or-date forms every time argument accepts. */
export const TIME_FORMS =
  'RFC 3339 with offset ("2026-03-10T15:00:00+01:00"), a local time read in time_zone ("2026-03-10T15:00"), or a date ("2026-03-10")';
