import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { type CallToolResult, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import type { CustomerId } from "../../domain/customer-id.ts";
import { DomainError, isDomainError } from "../../domain/errors.ts";
import type { RateLimiter } from "../http/rate-limiter.ts";
import type { Logger } from "../logging/logger.ts";
import { customerFor, type McpCaller } from "./mcp-caller.ts";
import type { McpServices, McpTool } from "./tool-definition.ts";
import { toToolError } from "./tool-errors.ts";
import { TOOL_LISTING, TOOLS } from "./tools/tool-catalog.ts";

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
 */
export function createMcpServer(deps: McpServerDeps, caller: McpCaller): McpServer {
  const server = new McpServer(SERVER_INFO, {
    capabilities: { tools: {} },
    instructions: INSTRUCTIONS,
    jsonSchemaValidator: SHARED_VALIDATOR,
  });
  for (const tool of TOOLS) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        outputSchema: tool.output,
        annotations: tool.annotations,
      },
      (args: Record<string, unknown>) => runTool(tool, deps, caller, args),
    );
  }
  // The listing is precomputed (see tool-catalog.ts); nothing is ever announced as changed.
  server.server.setRequestHandler(ListToolsRequestSchema, () => TOOL_LISTING);
  server.server.registerCapabilities({ tools: { listChanged: false } });
  return server;
}

/** One tool call for `caller`: never throws; failures are the tool error results the model reads. */
export async function runTool(
  tool: McpTool,
  deps: McpServerDeps,
  caller: McpCaller,
  args: Record<string, unknown>,
): Promise<CallToolResult> {
  const started = performance.now();
  let customerId: CustomerId | null = null;
  let outcome = "ok";
  try {
    customerId = customerFor(args.customer_id, caller);
    spendBudget(deps.customerLimiter, customerId);
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
