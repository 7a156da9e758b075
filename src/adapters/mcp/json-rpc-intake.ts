import {
  CallToolRequestSchema,
  ErrorCode,
  InitializeRequestSchema,
  isJSONRPCRequest,
  type JSONRPCMessage,
  JSONRPCMessageSchema,
  type JSONRPCRequest,
  ListToolsRequestSchema,
  PingRequestSchema,
  type RequestId,
} from "@modelcontextprotocol/sdk/types.js";
import type { ZodType } from "zod";
import type { CustomerId } from "../../domain/customer-id.ts";
import { exceedsJsonDepth, MAX_JSON_DEPTH } from "../http/json-depth.ts";
import { customerMismatch } from "./mcp-caller.ts";
import { toJsonRpcError } from "./tool-errors.ts";

/**
 * What a POST body becomes before any server sees it: either an answer (the body is not JSON,
 * nested deeper than MAX_JSON_DEPTH, not JSON-RPC, malformed for its method, or acts for another
 * customer than the request is bound to), or parsed messages to hand to the SDK transport.
 *
 * The SDK answers some of these itself, but with the wrong code (-32700 for valid JSON that is
 * not JSON-RPC; -32603 for a tools/call without params); here each gets the code JSON-RPC
 * gives it. A batch is refused whole if any of its messages is refused, so none of it half-runs.
 */
export type Intake =
  | { kind: "answer"; status: 200 | 400; body: JsonRpcErrorResponse | JsonRpcErrorResponse[] }
  | { kind: "forward"; body: JSONRPCMessage | JSONRPCMessage[] };

export interface JsonRpcErrorResponse {
  jsonrpc: "2.0";
  id: RequestId | null;
  error: { code: number; message: string; data?: Record<string, unknown> };
}

/**
 * Request shapes of the methods we serve, checked so a bad one is -32602 and not an internal error.
 * A Map, not an object literal: a method named "constructor" or "__proto__" must find nothing.
 */
const PARAMS_SCHEMAS = new Map<string, ZodType>([
  ["tools/call", CallToolRequestSchema],
  ["tools/list", ListToolsRequestSchema],
  ["initialize", InitializeRequestSchema],
  ["ping", PingRequestSchema],
]);

export function rpcError(
  id: RequestId | null,
  code: number,
  message: string,
  data?: Record<string, unknown>,
): JsonRpcErrorResponse {
  return { jsonrpc: "2.0", id, error: data === undefined ? { code, message } : { code, message, data } };
}

/** @param bound the customer the request is bound to (X-Customer-Id), or null */
export function takeIn(text: string, bound: CustomerId | null): Intake {
  if (exceedsJsonDepth(text)) {
    const message = `Invalid Request: JSON nested deeper than ${MAX_JSON_DEPTH} levels is refused`;
    return answer(400, rpcError(null, ErrorCode.InvalidRequest, message));
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return answer(400, rpcError(null, ErrorCode.ParseError, "Parse error: the body is not valid JSON"));
  }
  const batch = Array.isArray(raw);
  const items: unknown[] = batch ? (raw as unknown[]) : [raw];
  if (items.length === 0)
    return answer(400, rpcError(null, ErrorCode.InvalidRequest, "Invalid Request: empty batch"));

  const messages: JSONRPCMessage[] = [];
  for (const item of items) {
    const parsed = JSONRPCMessageSchema.safeParse(item);
    if (!parsed.success) {
      const message = 'Invalid Request: expected a JSON-RPC 2.0 object with jsonrpc "2.0" and a method';
      return answer(400, rpcError(batch ? null : idOf(item), ErrorCode.InvalidRequest, message));
    }
    messages.push(parsed.data);
  }

  const refusals = new Map<RequestId, JsonRpcErrorResponse>();
  for (const message of messages) {
    if (!isJSONRPCRequest(message)) continue;
    const refusal = refuse(message, bound);
    if (refusal !== null) refusals.set(message.id, refusal);
  }
  if (refusals.size === 0)
    return { kind: "forward", body: batch ? messages : (messages[0] as JSONRPCMessage) };

  const responses = messages
    .filter(isJSONRPCRequest)
    .map(
      (request) =>
        refusals.get(request.id) ??
        rpcError(request.id, ErrorCode.InvalidRequest, "Not run: another message in the batch was refused"),
    );
  return answer(200, batch ? responses : (responses[0] as JsonRpcErrorResponse));
}

/** The refusal of one request, or null; fills a missing customer_id from the bound customer. */
function refuse(request: JSONRPCRequest, bound: CustomerId | null): JsonRpcErrorResponse | null {
  const schema = PARAMS_SCHEMAS.get(request.method);
  const checked = schema?.safeParse(request);
  if (checked !== undefined && !checked.success) {
    const issue = checked.error.issues[0];
    const where = issue === undefined ? "params" : issue.path.join(".") || "params";
    return rpcError(
      request.id,
      ErrorCode.InvalidParams,
      `Invalid params for ${request.method}: ${where}: ${issue?.message}`,
    );
  }
  if (request.method !== "tools/call" || bound === null) return null;
  const params = request.params as { arguments?: Record<string, unknown> };
  const argument = params.arguments?.customer_id;
  if (argument === undefined) {
    params.arguments = { ...params.arguments, customer_id: bound };
    return null;
  }
  if (argument === bound) return null;
  const { code, message, data } = toJsonRpcError(customerMismatch(String(argument)));
  return rpcError(request.id, code, message, data);
}

function answer(status: 200 | 400, body: JsonRpcErrorResponse | JsonRpcErrorResponse[]): Intake {
  return { kind: "answer", status, body };
}

function idOf(item: unknown): RequestId | null {
  if (typeof item !== "object" || item === null || !("id" in item)) return null;
  const id = (item as { id: unknown }).id;
  return typeof id === "string" || (typeof id === "number" && Number.isFinite(id)) ? id : null;
}
