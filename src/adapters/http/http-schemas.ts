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
});

export const authorizeResponse = z.object({
  authorization_url: z.string().describe("Send the end user here (Google's consent page)"),
  state: z.string().describe("Opaque, single-use; expires with the URL"),
  expires_at: z.string().describe("When the URL stops working (RFC 3339)"),
});

export const disconnectRequest = z.object({ customer_id: customerId });

export const disconnectResponse = z.object({
  success: z.literal(true),
  customer_id: z.string(),
  revoked: z.boolean().describe("Google confirmed the grant is revoked"),
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
