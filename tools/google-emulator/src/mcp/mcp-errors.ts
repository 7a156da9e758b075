/**
 * Failures of a Calendar MCP tool call, in Google's canonical codes (google.rpc.Code), and the
 * two encodings a client may meet: an `isError: true` result or a JSON-RPC error object. The
 * reference does not know which one Google uses, so the emulator state chooses
 * (`options.mcpToolErrorEncoding`) and the product is tested against both.
 */

import { GoogleApiError } from "../calendar/calendar-errors.ts";

export type ToolFailureStatus =
  | "INVALID_ARGUMENT"
  | "FAILED_PRECONDITION"
  | "NOT_FOUND"
  | "ALREADY_EXISTS"
  | "PERMISSION_DENIED"
  | "ABORTED";

const HTTP_CODES: Record<ToolFailureStatus, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  PERMISSION_DENIED: 403,
  ABORTED: 409,
};

/** Thrown by tool handlers; the dispatcher encodes it once. */
export class ToolFailure extends Error {
  constructor(
    readonly status: ToolFailureStatus,
    message: string,
  ) {
    super(message);
    this.name = "ToolFailure";
  }

  get code(): number {
    return HTTP_CODES[this.status];
  }
}

export const toolFailures = {
  invalidArgument: (message: string): ToolFailure => new ToolFailure("INVALID_ARGUMENT", message),
  notFound: (): ToolFailure => new ToolFailure("NOT_FOUND", "Requested entity was not found."),
  insufficientScopes: (): ToolFailure =>
    new ToolFailure("PERMISSION_DENIED", "Request had insufficient authentication scopes."),
  /** The wording a third-party bridge reports from Google's servers [S14]. */
  confirmationUnsupported: (): ToolFailure =>
    new ToolFailure(
      "FAILED_PRECONDITION",
      "This action requires user confirmation, which this client does not support.",
    ),
  /** Our wording: Google's text for a refused approval is not known. */
  approvalRefused: (action: "decline" | "cancel"): ToolFailure =>
    new ToolFailure(
      "PERMISSION_DENIED",
      action === "decline"
        ? "The user did not allow this action."
        : "The user cancelled the confirmation; the action was not performed.",
    ),
  badRequestState: (): ToolFailure =>
    new ToolFailure(
      "INVALID_ARGUMENT",
      "The request state is invalid, expired or already used. Call the tool again without inputResponses.",
    ),
};

const REST_STATUSES: Record<number, ToolFailureStatus> = {
  400: "INVALID_ARGUMENT",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ALREADY_EXISTS",
  410: "NOT_FOUND",
  412: "ABORTED",
};

/** The Calendar backend's errors (shared with the REST routes) seen through the MCP server. */
export function toToolFailure(error: unknown): ToolFailure | null {
  if (error instanceof ToolFailure) return error;
  if (error instanceof GoogleApiError) {
    const status = REST_STATUSES[error.status];
    if (status === undefined) return null;
    const message = error.status === 404 ? "Requested entity was not found." : error.body.error.message;
    return new ToolFailure(status, message);
  }
  return null;
}

export interface IsErrorResult {
  content: Array<{ type: "text"; text: string }>;
  structuredContent: { error: { code: number; message: string; status: ToolFailureStatus } };
  isError: true;
}

export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data: { code: number; message: string; status: ToolFailureStatus };
}

export function failureResult(failure: ToolFailure): IsErrorResult {
  return {
    content: [{ type: "text", text: failure.message }],
    structuredContent: { error: { code: failure.code, message: failure.message, status: failure.status } },
    isError: true,
  };
}

/** JSON-RPC form: Invalid params (-32602) for bad arguments, the server-error range otherwise. */
export function failureError(failure: ToolFailure): JsonRpcErrorObject {
  return {
    code: failure.status === "INVALID_ARGUMENT" ? -32602 : -32000,
    message: failure.message,
    data: { code: failure.code, message: failure.message, status: failure.status },
  };
}
