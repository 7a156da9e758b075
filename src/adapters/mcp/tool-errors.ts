import { type CallToolResult, ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { CustomerId } from "../../domain/customer-id.ts";
import { type DomainError, type DomainErrorCode, isDomainError } from "../../domain/errors.ts";
import type { ConnectCalendar } from "../../domain/services/connect-calendar.ts";
import { plainOperations } from "./plain-operations.ts";

/**
 * The one mapping from domain errors to what the MCP surface answers.
 *
 * Faults the model can act on become tool results with `isError: true` and
 * `structuredContent: { error: { code, message, ...details } }` (plus the same in text, since some
 * clients show models only the text of an error). Faults of the calling backend, not of the model
 * (a customer_id contradicting X-Customer-Id), are JSON-RPC errors.
 *
 * A malformed customer_id *argument* is a tool result (`invalid_customer_id`): the model wrote it,
 * and a tool result is what lets it correct itself. A malformed X-Customer-Id *header* is the
 * backend's fault and a JSON-RPC error.
 */

export const TOOL_ERROR_CODES = [
  "invalid_customer_id",
  "invalid_argument",
  "calendar_not_connected",
  "reauthorization_required",
  "insufficient_scope",
  "time_conflict",
  "not_found",
  "precondition_failed",
  "rate_limited",
  "google_unavailable",
  "storage_unavailable",
  "customer_mismatch",
  "approval_required",
  "approval_declined",
  "idempotency_key_reused",
  "internal_error",
] as const;

export type ToolErrorCode = (typeof TOOL_ERROR_CODES)[number];

const TOOL_CODE: Record<DomainErrorCode, ToolErrorCode> = {
  invalid_customer_id: "invalid_customer_id",
  invalid_argument: "invalid_argument",
  calendar_not_connected: "calendar_not_connected",
  reauthorization_required: "reauthorization_required",
  insufficient_scope: "insufficient_scope",
  time_conflict: "time_conflict",
  not_found: "not_found",
  precondition_failed: "precondition_failed",
  rate_limited: "rate_limited",
  google_unavailable: "google_unavailable",
  storage_unavailable: "storage_unavailable",
  customer_mismatch: "customer_mismatch",
  approval_required: "approval_required",
  approval_declined: "approval_declined",
  idempotency_key_reused: "idempotency_key_reused",
  // A second 401 right after a refresh: Google is misbehaving, not the user's grant.
  google_token_rejected: "google_unavailable",
  // These never leave a tool's service; if one does, it is our bug, and its text stays in our logs.
  invalid_state: "internal_error",
  access_denied: "internal_error",
  oauth_exchange_failed: "internal_error",
  record_unreadable: "internal_error",
  duplicate_event: "internal_error",
  account_mismatch: "internal_error",
  missing_refresh_token: "internal_error",
  invalid_connect_code: "internal_error",
};

/** Codes whose remedy is the user opening Google's consent page again. */
const NEEDS_CONSENT = new Set<ToolErrorCode>([
  "calendar_not_connected",
  "reauthorization_required",
  "insufficient_scope",
]);

/** The error branch of every tool's published output schema. */
export const toolErrorOutput = z.object({
  error: z.looseObject({
    code: z.enum(TOOL_ERROR_CODES).describe("Stable error code"),
    message: z.string().describe("What went wrong, for the model and the user"),
    authorization_url: z
      .string()
      .optional()
      .describe(
        "For calendar_not_connected, reauthorization_required, insufficient_scope: give it to the user",
      ),
    expires_at: z.string().optional().describe("When authorization_url stops working"),
    conflicts: z
      .array(z.object({ start: z.string(), end: z.string() }))
      .optional()
      .describe("For time_conflict: the busy intervals in the way"),
    retry_after_seconds: z.number().optional().describe("For rate_limited: wait this long before retrying"),
    field: z.string().optional().describe("For invalid_argument: the (first) argument at fault"),
    differing_arguments: z
      .array(z.string())
      .optional()
      .describe("For idempotency_key_reused: the arguments that differ from the key's first booking"),
    approval_token: z
      .string()
      .optional()
      .describe("For approval_required: pass it back as approval.token once the user has answered"),
    issues: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .describe("For arguments that fail the tool's input schema: every argument at fault, and why"),
  }),
});

export interface ToolErrorContext {
  /** The customer the call was for, once known: consent links are made for them. */
  customerId: CustomerId | null;
  connect: ConnectCalendar;
}

export interface ToolError {
  code: ToolErrorCode;
  /** True when the fault is ours (logged at error level), false when the caller or Google's. */
  internal: boolean;
  result: CallToolResult;
}

/** An error thrown by a tool, as the tool result the model reads. Never throws. */
export async function toToolError(error: unknown, context: ToolErrorContext): Promise<ToolError> {
  const code: ToolErrorCode = isDomainError(error) ? TOOL_CODE[error.code] : "internal_error";
  const internal = code === "internal_error";
  const message = internal || !isDomainError(error) ? "Internal error; try again later" : inMcpWords(error);
  const details = internal || !isDomainError(error) ? {} : detailsInMcpWords(error);
  const body: Record<string, unknown> = { ...details, code, message };
  if (NEEDS_CONSENT.has(code) && context.customerId !== null) {
    Object.assign(body, await freshConsentLink(context.connect, context.customerId));
  }
  const text = [message, ...hints(body)].join("\n");
  // The text repeats neither the message nor the issues it already lists: only the facts beside it.
  const { message: _said, issues: _listed, ...facts } = body;
  return {
    code,
    internal,
    // In the key order the SDK's result schema gives it, so both paths of /mcp write the same bytes.
    result: {
      content: [{ type: "text", text: `${text}\n\n${JSON.stringify({ error: facts })}` }],
      structuredContent: { error: body },
      isError: true,
    },
  };
}

/**
 * A JSON-RPC error thrown from a request handler, its message as written: McpError prefixes
 * "MCP error <code>: " to its message, and a client prefixes its own again on receipt.
 */
export class ProtocolFault extends McpError {
  constructor(code: number, message: string) {
    super(code, message);
    this.message = message;
  }
}

/** A JSON-RPC error object for a protocol fault (the backend's, not the model's). */
export function toJsonRpcError(error: DomainError): {
  code: number;
  message: string;
  data: Record<string, unknown>;
} {
  return {
    code: ErrorCode.InvalidParams,
    message: error.message,
    data: { ...error.details, code: error.code },
  };
}

/**
 * The domain names a field by its path in the service's command (`timeMax`, `calendarIds[1]`);
 * a tool's argument of the same meaning is its snake_case (`time_max`, `calendar_ids[1]`).
 */
const COMMAND_FIELD =
  /\b(?:calendarIds?|timeZone|timeMin|timeMax|eventId|durationMinutes|maxResults|pageToken|workingHours|idempotencyKey|sendUpdates|allowConflicts|allowPast|addMeetLink)\b/g;

function argumentNames(text: string): string {
  return text.replace(COMMAND_FIELD, (name) =>
    name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`),
  );
}

/** What the model does with approval_required: Google's question goes to the user, the answer back to the tool. */
const APPROVAL_HINT =
  "Google asks the user to approve this first. Show the user Google's message (and the form's fields, if any), " +
  "ask them, then call the same tool again with the same arguments plus " +
  'approval: {"token": <approval_token>, "action": "accept" | "decline" | "cancel", "content": {<the form\'s values>}}.';

/** The domain's message, in the words of the tools' arguments, with what the model can do about it. */
function inMcpWords(error: DomainError): string {
  if (error.code === "idempotency_key_reused") return argumentNames(error.message);
  if (error.code === "approval_required") return `${error.message}\n${APPROVAL_HINT}`;
  if (error.code === "invalid_argument" && !fromArguments(error))
    return argumentNames(plainOperations(error.message));
  if (error.code === "time_conflict") return `${error.message}; pick another time or pass allow_conflicts`;
  return plainOperations(error.message);
}

function detailsInMcpWords(error: DomainError): Record<string, unknown> {
  const differing = error.details.differing_arguments;
  if (error.code === "idempotency_key_reused" && Array.isArray(differing)) {
    return {
      ...error.details,
      field: "idempotency_key",
      differing_arguments: differing.map((name) => argumentNames(String(name))),
    };
  }
  const field = error.details.field;
  if (error.code !== "invalid_argument" || typeof field !== "string" || fromArguments(error)) {
    return error.details;
  }
  return { ...error.details, field: argumentNames(field) };
}

/** Raised on the arguments as written (argument-issues.ts): their names are the tool's already. */
function fromArguments(error: DomainError): boolean {
  return Array.isArray(error.details.issues);
}

async function freshConsentLink(
  connect: ConnectCalendar,
  customerId: CustomerId,
): Promise<{ authorization_url?: string; expires_at?: string }> {
  try {
    const started = await connect.start(customerId);
    return { authorization_url: started.authorizationUrl, expires_at: started.expiresAt.toISOString() };
  } catch {
    // The store is down: the error still stands, just without a link (connect_calendar can retry).
    return {};
  }
}

function hints(body: Record<string, unknown>): string[] {
  const lines: string[] = [];
  if (typeof body.authorization_url === "string") {
    lines.push(`Ask the user to open this link to connect Google Calendar: ${body.authorization_url}`);
  }
  if (typeof body.retry_after_seconds === "number")
    lines.push(`Retry after ${body.retry_after_seconds} seconds.`);
  return lines;
}
