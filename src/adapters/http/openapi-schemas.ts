import { z } from "zod";
import { statusResponse } from "../shared/connection-status.ts";
import {
  authorizeRequest,
  authorizeResponse,
  callbackResponse,
  confirmRequest,
  confirmResponse,
  disconnectRequest,
  disconnectResponse,
  errorResponse,
} from "./http-schemas.ts";

/** Shape of GET /healthz (http-app.ts builds it from a HealthReport; nothing validates it). */
export const healthResponse = z.object({
  status: z.enum(["ok", "degraded"]),
  checks: z.record(z.string(), z.string()).describe('Each dependency: "ok" or an error code'),
});

/**
 * The named schemas of the document, each generated from the zod schema the route uses: what a
 * client reads here is what the server validates. Requests are described as input (what may be
 * sent), responses as output (what is sent back).
 */
export const OPENAPI_SCHEMAS = {
  AuthorizeRequest: { schema: authorizeRequest, io: "input" },
  AuthorizeResponse: { schema: authorizeResponse, io: "output" },
  DisconnectRequest: { schema: disconnectRequest, io: "input" },
  DisconnectResponse: { schema: disconnectResponse, io: "output" },
  StatusResponse: { schema: statusResponse, io: "output" },
  CallbackResponse: { schema: callbackResponse, io: "output" },
  ConfirmRequest: { schema: confirmRequest, io: "input" },
  ConfirmResponse: { schema: confirmResponse, io: "output" },
  HealthResponse: { schema: healthResponse, io: "output" },
  Error: { schema: errorResponse, io: "output" },
} as const;

export type SchemaName = keyof typeof OPENAPI_SCHEMAS;

/** The JSON Schema (2020-12, as OpenAPI 3.1 uses) of one zod schema, without its `$schema` line. */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: "draft-2020-12" });
  return rest;
}

/** Every named schema, for `components.schemas`. */
export function componentSchemas(): Record<SchemaName, Record<string, unknown>> {
  const entries = Object.entries(OPENAPI_SCHEMAS).map(([name, entry]) => [
    name,
    jsonSchemaOf(entry.schema, entry.io),
  ]);
  return Object.fromEntries(entries) as Record<SchemaName, Record<string, unknown>>;
}
