import { z } from "zod";
import { statusResponse, toStatusResponse } from "../../shared/connection-status.ts";
import { defineTool, type McpTool } from "../tool-definition.ts";

/** Linking a customer's Google Calendar: the consent link, the state of the link, unlinking. */

export const connectCalendar: McpTool = defineTool({
  name: "connect_calendar",
  title: "Connect Google Calendar",
  description:
    "Start connecting the user's Google Calendar. Returns a Google consent link: give it to the user to open; " +
    "once they accept, the other calendar tools work for them. Also use it to reconnect after " +
    "calendar_not_connected, reauthorization_required or insufficient_scope.",
  input: z.object({
    login_hint: z.string().optional().describe("The user's Google address, to pre-select that account"),
    expected_email: z.email().optional().describe("Only this Google account may complete the link"),
  }),
  output: z.object({
    customer_id: z.string(),
    authorization_url: z.string().describe("Google's consent page for this user; single use"),
    expires_at: z.string().describe("When the link stops working (RFC 3339)"),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(services, customerId, args) {
    const started = await services.connect.start(customerId, args.login_hint, args.expected_email);
    const expiresAt = started.expiresAt.toISOString();
    return {
      data: { customer_id: customerId, authorization_url: started.authorizationUrl, expires_at: expiresAt },
      summary: `Ask the user to open this link to connect Google Calendar (valid until ${expiresAt}): ${started.authorizationUrl}`,
    };
  },
});

export const calendarStatus: McpTool = defineTool({
  name: "calendar_status",
  title: "Google Calendar connection status",
  description:
    "Whether the user's Google Calendar is connected and usable, with the account and granted scopes.",
  input: z.object({}),
  // The same object as GET /oauth/status/{customer_id}, from the same schema.
  output: statusResponse,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(services, customerId) {
    const status = await services.status.execute(customerId);
    const data = toStatusResponse(status);
    const summary = status.connected
      ? `Google Calendar is connected${status.email === null ? "" : ` (${status.email})`}.`
      : `Google Calendar is not usable (${status.reason ?? "not_connected"}); use connect_calendar to get a link.`;
    return { data, summary };
  },
});

export const disconnectCalendar: McpTool = defineTool({
  name: "disconnect_calendar",
  title: "Disconnect Google Calendar",
  description:
    "Revoke this server's access to the user's Google Calendar and forget their tokens. Only when the user asks to disconnect.",
  input: z.object({}),
  output: z.object({
    success: z.literal(true),
    customer_id: z.string(),
    revoked: z.boolean().describe("Google confirmed the grant is revoked"),
    was_connected: z.boolean().describe("A connection existed and was removed"),
    reason: z
      .literal("shared_with_other_customers")
      .optional()
      .describe("Why the grant was kept at Google: another customer of this server holds the same grant"),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  async run(services, customerId) {
    const result = await services.disconnect.execute(customerId);
    return {
      data: {
        success: true as const,
        customer_id: customerId,
        revoked: result.revoked,
        was_connected: result.deleted,
        ...(result.keptReason === undefined ? {} : { reason: result.keptReason }),
      },
      summary: !result.deleted
        ? "No Google Calendar was connected."
        : result.keptReason === undefined
          ? "Google Calendar disconnected."
          : "Google Calendar disconnected here; the Google grant was kept because another customer of this server uses the same Google account.",
    };
  },
});
