import { z } from "zod";
import type { ConnectionStatus } from "../../domain/connection.ts";

/** A customer's connection status, as GET /oauth/status/{customer_id} and the calendar_status tool answer it. */
export const statusResponse = z.object({
  connected: z.boolean(),
  customer_id: z.string(),
  calendar_email: z.string().nullable(),
  expires_at: z.string().nullable().describe("Expiry of the current access token; refreshed automatically"),
  scopes: z.array(z.string()).describe("Scopes the user granted"),
  reason: z.string().nullable().describe("Why connected is false: not_connected or reauthorization_required"),
  connected_at: z.string().nullable(),
});

export function toStatusResponse(status: ConnectionStatus): z.infer<typeof statusResponse> {
  return {
    connected: status.connected,
    customer_id: status.customerId,
    calendar_email: status.email,
    expires_at: status.expiresAt?.toISOString() ?? null,
    scopes: status.scopes,
    reason: status.reason,
    connected_at: status.connectedAt?.toISOString() ?? null,
  };
}
