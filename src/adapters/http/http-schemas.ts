import { z } from "zod";

/**
 * Request and response shapes of the HTTP endpoints: validation and /openapi.json share them
 * (the status object, which the MCP surface answers too, is in shared/connection-status.ts).
 */

const customerId = z
  .string()
  .describe("Your end user's id: 1–128 of A-Z a-z 0-9 . _ : @ -, starting alphanumeric");

export const authorizeRequest = z.object({
  customer_id: customerId,
  login_hint: z.email().optional().describe("Pre-select this Google account on the consent page"),
  expected_email: z
    .email()
    .optional()
    .describe(
      "Only this Google account may complete the link (also pre-selected); another is refused with account_mismatch and its grant revoked",
    ),
});

export const authorizeResponse = z.object({
  authorization_url: z.string().describe("Send the end user here (Google's consent page)"),
  state: z.string().describe("Opaque, single-use; expires with the URL"),
  expires_at: z.string().describe("When the URL stops working (RFC 3339)"),
});

export const disconnectRequest = z.object({ customer_id: customerId });

export const confirmRequest = z.object({
  connect_code: z
    .string()
    .min(1)
    .max(256)
    .describe("The single-use code the browser brought to CALENDAR_SERVER_CONNECT_CONFIRM_URL"),
});

export const confirmResponse = z.object({
  success: z.literal(true),
  customer_id: z.string(),
  calendar_email: z.string().nullable().describe("The Google account now connected"),
  scopes: z.array(z.string()).describe("Scopes the user granted"),
});

export const disconnectResponse = z.object({
  success: z.literal(true),
  customer_id: z.string(),
  revoked: z.boolean().describe("Google confirmed the grant is revoked"),
  revoked_at_google: z.boolean().describe("Same as revoked"),
  reason: z
    .literal("shared_with_other_customers")
    .optional()
    .describe(
      "Why the grant was left alone at Google: another customer is connected to the same Google account",
    ),
});

export const callbackResponse = z.object({
  success: z.literal(true),
  customer_id: z.string(),
  calendar_email: z.string().nullable(),
  message: z.string(),
});

export const errorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
