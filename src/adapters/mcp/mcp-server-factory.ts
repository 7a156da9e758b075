import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import type { CustomerId } from "../../domain/customer-id.ts";
import { DomainError, isDomainError } from "../../domain/errors.ts";
import type { RateLimiter } from "../http/rate-limiter.ts";
import type { Logger } from "../logging/logger.ts";
import { customerFor, type McpCaller } from "./mcp-caller.ts";
import { checkedOutput, parseArguments } from "./tool-call-checks.ts";
import type { McpServices, McpTool } from "./tool-definition.ts";
import { toToolError } from "./tool-errors.ts";
import { TOOL_LISTING, TOOLS } from "./tools/tool-catalog.ts";

const TOOLS_BY_NAME: ReadonlyMap<string, McpTool> = new Map(TOOLS.map((tool) => [tool.name, tool]));

export interface McpServerDeps {
  services: McpServices;
  logger: Logger;
  /** Called once per tool call, for metrics: outcome is "ok" or the error code. */
  onToolCall?: (tool: string, outcome: string, durationMs: number) => void;
  /** Tool calls per customer (CALENDAR_SERVER_RATE_LIMIT_PER_CUSTOMER); over budget is rate_limited. */
  customerLimiter?: RateLimiter;
}

export const SERVER_INFO = { name: "mcp-calendar-server", version: "0.1.0" } as const;

const INSTRUCTIONS =
  "Google Calendar of each end user of the assistant. Every tool takes customer_id: the id of the user you " +
  "are talking to, exactly as the conversation gives it; never another user's. If a tool answers " +
  "calendar_not_connected, reauthorization_required or insufficient_scope, give the user the " +
  "authorization_url in the error and try again once they say they have connected. Before booking, " +
  "check_availability or find_available_slots; book with an idempotency_key so a retry cannot book twice.";

// Made once: the SDK would otherwise build (and compile formats into) a validator per server, per request.
const SHARED_VALIDATOR = new AjvJsonSchemaValidator();

/**
 * A fresh MCP server for one request (or one in-memory test connection), its tools closing over
 * `caller`. Cheap by design: definitions and schemas are shared, only the closures are new.
 * tools/list and tools/call are ours, not McpServer's: the listing is precomputed, and a call is
 * answered by `callTool`, the same function the direct path of /mcp uses.
 */
export function createMcpServer(deps: McpServerDeps, caller: McpCaller): Server {
  const server = new Server(SERVER_INFO, {
    // Nothing is ever announced as changed.
    capabilities: { tools: { listChanged: false } },
    instructions: INSTRUCTIONS,
    jsonSchemaValidator: SHARED_VALIDATOR,
  });
  server.setRequestHandler(ListToolsRequestSchema, () => TOOL_LISTING);
  server.setRequestHandler(CallToolRequestSchema, (request) => callTool(request.params, deps, caller));
  return server;
}

/**
 * One tools/call, whichever way it came. An unknown tool is a protocol error (JSON-RPC -32602, as
 * the MCP spec has it); arguments that fail the tool's input schema are a tool error the model
 * can correct (`invalid_argument`, spec 2025-11-25); a success's structuredContent is checked
 * against the tool's output schema, as McpServer does.
 * @throws McpError InvalidParams for an unknown tool
 */
export async function callTool(
  params: { name: string; arguments?: Record<string, unknown> },
  deps: McpServerDeps,
  caller: McpCaller,
): Promise<CallToolResult> {
  const tool = TOOLS_BY_NAME.get(params.name);
  if (tool === undefined) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${params.name}`);
  return checkedOutput(tool, await runTool(tool, deps, caller, params.arguments ?? {}));
}

/**
 * One tool call for `caller`, its arguments as the client sent them: never throws; failures
 * (arguments that fail the input schema included) are the tool error results the model reads,
 * and every call is logged and counted with its outcome.
 */
async function runTool(
  tool: McpTool,
  deps: McpServerDeps,
  caller: McpCaller,
  rawArgs: Record<string, unknown>,
): Promise<CallToolResult> {
  const started = performance.now();
  let customerId: CustomerId | null = null;
  let outcome = "ok";
  try {
    customerId = customerFor(rawArgs.customer_id, caller);
    spendBudget(deps.customerLimiter, customerId);
    const args = await parseArguments(tool, rawArgs);
    const answer = await tool.run(deps.services, customerId, args);
    const data = answer.data as Record<string, unknown>;
    // The JSON goes into the text too: many clients show models only the text.
    return {
      content: [{ type: "text", text: `${answer.summary}\n\n${JSON.stringify(data)}` }],
      structuredContent: data,
    };
  } catch (error) {
    const failure = await toToolError(error, { customerId, connect: deps.services.connect });
    outcome = failure.code;
    if (failure.internal) {
      deps.logger.log("error", "mcp_tool_failed", {
        tool: tool.name,
        kind: error instanceof Error ? error.name : typeof error,
        domain_code: isDomainError(error) ? error.code : null,
      });
    }
    return failure.result;
  } finally {
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    // Arguments are never logged: they carry what users wrote (titles, attendees, descriptions).
    deps.logger.log("info", "mcp_tool_call", {
      tool: tool.name,
      customer_id: customerId,
      outcome,
      duration_ms: durationMs,
      request_id: caller.requestId,
      // Not "api_key_id": the logger redacts anything named like a key.
      caller_key: caller.apiKeyId,
    });
    deps.onToolCall?.(tool.name, outcome, durationMs);
  }
}

/** @throws DomainError rate_limited, with the wait, when the customer is over budget */
function spendBudget(limiter: RateLimiter | undefined, customerId: CustomerId): void {
  const decision = limiter?.take(customerId);
  if (decision === undefined || decision.allowed) return;
  const seconds = decision.retryAfterSeconds;
  throw new DomainError(
    "rate_limited",
    `Too many calendar requests for this customer; retry after ${seconds} seconds`,
    { details: { retry_after_seconds: seconds } },
  );
}
