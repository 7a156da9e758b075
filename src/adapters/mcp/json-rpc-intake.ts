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
import { exceedsJsonDepth, MAX_JSON_DEPTH } from "../shared/json-depth.ts";
import { foreignCustomer, type McpCaller } from "./mcp-caller.ts";
import { toJsonRpcError } from "./tool-errors.ts";

/**
 * What a POST body becomes before any server sees it: either an answer (the body is not JSON,
 * nested deeper than MAX_JSON_DEPTH, not JSON-RPC, malformed for its method, or acts for another
 * customer than the request is bound to), or parsed messages to hand on. The messages are
 * handed on exactly as they came: nothing is added to them.
 *
 * The SDK answers some of these itself, but with the wrong code (-32700 for valid JSON that is
 * not JSON-RPC; -32603 for a tools/call without params); here each gets the code JSON-RPC
 * gives it. A batch is refused whole if any of its messages is refused, so none of it half-runs.
 */
export type Intake =
  | { kind: "answer"; status: 200 | 400; body: JsonRpcErrorResponse | JsonRpcErrorResponse[] }
  | {
      kind: "forward";
      body: JSONRPCMessage | JSONRPCMessage[];
      /** Set when the body is one plain tools/call (no batch): what direct-tool-call.ts answers. */
      toolCall: ToolCallRequest | null;
    };

/** A single tools/call as the intake checked it. */
export interface ToolCallRequest {
  id: RequestId;
  params: { name: string; arguments?: Record<string, unknown>; task?: unknown };
}

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

export function takeIn(text: string, caller: McpCaller): Intake {
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
  if (!Array.isArray(raw) && isPlainToolCall(raw)) {
    const refusal = refuseForeign(raw, caller);
    return refusal === null ? { kind: "forward", body: raw, toolCall: raw } : answer(200, refusal);
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
    const refusal = refuse(message, caller);
    if (refusal !== null) refusals.set(message.id, refusal);
  }
  if (refusals.size === 0) {
    const single = batch ? null : (messages[0] as JSONRPCMessage);
    const toolCall =
      single !== null && isJSONRPCRequest(single) && single.method === "tools/call"
        ? (single as ToolCallRequest & JSONRPCRequest)
        : null;
    return { kind: "forward", body: batch ? messages : (single as JSONRPCMessage), toolCall };
  }

  const responses = messages
    .filter(isJSONRPCRequest)
    .map(
      (request) =>
        refusals.get(request.id) ??
        rpcError(request.id, ErrorCode.InvalidRequest, "Not run: another message in the batch was refused"),
    );
  return answer(200, batch ? responses : (responses[0] as JsonRpcErrorResponse));
}

/** The refusal of one request, or null. */
function refuse(request: JSONRPCRequest, caller: McpCaller): JsonRpcErrorResponse | null {
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
  return refuseForeign(request, caller);
}

function refuseForeign(request: JSONRPCRequest, caller: McpCaller): JsonRpcErrorResponse | null {
  const foreign = foreignCustomer(request, caller);
  if (foreign === null) return null;
  const { code, message, data } = toJsonRpcError(foreign);
  return rpcError(request.id, code, message, data);
}

/**
 * The shape nearly every request has: one tools/call with a name and plain arguments, nothing
 * else. Whatever this accepts, JSONRPCMessageSchema and CallToolRequestSchema accept unchanged;
 * anything else (a _meta, a task, a stray key) takes the schemas' way, so the answer is the
 * same either way: this only spares two schema walks on the hot path.
 */
function isPlainToolCall(value: unknown): value is JSONRPCRequest & ToolCallRequest {
  if (!isPlainObject(value)) return false;
  let keys = 0;
  for (const key in value) {
    keys += 1;
    if (key !== "jsonrpc" && key !== "id" && key !== "method" && key !== "params") return false;
  }
  const { jsonrpc, id, method, params } = value as Record<string, unknown>;
  if (keys !== 4 || jsonrpc !== "2.0" || method !== "tools/call" || !isPlainObject(params)) return false;
  if (typeof id !== "string" && !Number.isSafeInteger(id)) return false;
  let paramKeys = 0;
  for (const key in params) {
    paramKeys += 1;
    if (key !== "name" && key !== "arguments") return false;
  }
  const args = (params as Record<string, unknown>).arguments;
  return (
    typeof (params as Record<string, unknown>).name === "string" &&
    (args === undefined ? paramKeys === 1 : isPlainObject(args))
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function answer(status: 200 | 400, body: JsonRpcErrorResponse | JsonRpcErrorResponse[]): Intake {
  return { kind: "answer", status, body };
}

function idOf(item: unknown): RequestId | null {
  if (typeof item !== "object" || item === null || !("id" in item)) return null;
  const id = (item as { id: unknown }).id;
  return typeof id === "string" || (typeof id === "number" && Number.isFinite(id)) ? id : null;
}
