import type { ListToolsResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { customerIdArg, type McpTool } from "../tool-definition.ts";
import { toolErrorOutput } from "../tool-errors.ts";
import { checkAvailability, findAvailableSlots } from "./availability-tools.ts";
import { cancelBooking, createBooking, respondToInvitation, updateBooking } from "./booking-tools.ts";
import { calendarStatus, connectCalendar, disconnectCalendar } from "./connection-tools.ts";
import { currentTime } from "./current-time-tool.ts";
import { getEvent, listCalendars, listEvents } from "./event-reading-tools.ts";

/** Every tool the server offers, in the order tools/list shows them. */
export const TOOLS: readonly McpTool[] = [
  connectCalendar,
  calendarStatus,
  disconnectCalendar,
  currentTime,
  listCalendars,
  listEvents,
  getEvent,
  checkAvailability,
  findAvailableSlots,
  createBooking,
  updateBooking,
  cancelBooking,
  respondToInvitation,
];

/**
 * The tools/list answer, converted from the zod schemas once per process (the SDK would convert
 * them on every call, and every request gets a fresh server).
 *
 * Each published output schema admits the success shape OR the error envelope: SDK clients of
 * v1 validate `structuredContent` against the output schema even on `isError` results
 * (typescript-sdk#1943), and would otherwise hide our errors behind a validation failure. Input
 * schemas are converted exactly as the SDK converts them, each headed by customer_id (every
 * tool's first argument, resolved before the tool runs), so what is published is what is enforced.
 */
export const TOOL_LISTING: ListToolsResult = { tools: TOOLS.map(describeTool) };

function describeTool(tool: McpTool): Tool {
  const output = z.toJSONSchema(z.union([tool.output, toolErrorOutput]), { target: "draft-7", io: "output" });
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    // additionalProperties: false, as enforced: an unknown argument is refused (argument-issues.ts).
    inputSchema: z.toJSONSchema(z.strictObject({ customer_id: customerIdArg, ...tool.input.shape }), {
      target: "draft-7",
      io: "input",
    }) as Tool["inputSchema"],
    outputSchema: { type: "object", ...output } as Tool["outputSchema"],
    annotations: tool.annotations,
  };
}
