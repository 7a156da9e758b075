import { type CallToolResult, ErrorCode } from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { z } from "zod";
import type { CustomerId } from "../../domain/customer-id.ts";
import { DomainError, isDomainError } from "../../domain/errors.ts";
import type { Logger } from "../logging/logger.ts";
import type { ConcurrencyLimiter, Release } from "../shared/concurrency-limiter.ts";
import type { RateLimiter } from "../shared/rate-limiter.ts";
import { invalidArguments, readableIssue, unknownArguments } from "./argument-issues.ts";
import { customerFor, type McpCaller } from "./mcp-caller.ts";
import type { McpServices, McpTool } from "./tool-definition.ts";
import { ProtocolFault, toToolError } from "./tool-errors.ts";
import { TOOLS } from "./tools/tool-catalog.ts";

export interface ToolCallDeps {
  services: McpServices;
  logger: Logger;
  /** Called once per tool call, for metrics: outcome is "ok" or the error code. */
  onToolCall?: (tool: string, outcome: string, durationMs: number) => void;
  /** Tool calls per customer (CALENDAR_SERVER_RATE_LIMIT_PER_CUSTOMER); over budget is rate_limited. */
  customerLimiter?: RateLimiter;
  /**
   * Tool calls running at once in this process (CALENDAR_SERVER_MAX_CONCURRENT_CALLS), the
   * bound that keeps memory under its ceiling; past its queue a call is rate_limited.
   */
  workLimiter?: ConcurrencyLimiter;
}

/**
 * The most JSON one answer may carry. Tools keep well under it (list_events pages and truncates,
 * event-list-bounds.ts); this is the backstop that keeps one answer from holding megabytes.
 */
export const MAX_ANSWER_JSON_BYTES = 1_000_000;
/**
 * Up to this size the text content repeats the JSON (the MCP spec asks for that, and many
 * clients show models only the text); a larger answer's text is its summary alone, so a large
 * answer is not written twice.
 */
export const TEXT_COPY_MAX_BYTES = 64 * 1024;

const TOOLS_BY_NAME: ReadonlyMap<string, McpTool> = new Map(TOOLS.map((tool) => [tool.name, tool]));

/** The JSON text of a success's structuredContent, made once for its text content and kept for the answer. */
const STRUCTURED_JSON = new WeakMap<CallToolResult, string>();

/**
 * `result` as JSON text, byte for byte what JSON.stringify(result) gives, reusing the JSON of its
 * structuredContent when callTool made it: a page of events is then serialised once, not twice.
 */
export function resultJson(result: CallToolResult): string {
  const json = STRUCTURED_JSON.get(result);
  const [text] = result.content;
  if (
    json === undefined ||
    result.content.length !== 1 ||
    text?.type !== "text" ||
    Object.keys(result).length !== 2
  ) {
    return JSON.stringify(result);
  }
  return `{"content":[{"type":"text","text":${JSON.stringify(text.text)}}],"structuredContent":${json}}`;
}

/**
 * One tools/call, whichever way it came (the SDK server's handler or the direct path), in the
 * order a reader follows it: find the tool, resolve the customer (mcp-caller.ts), spend their
 * budget, parse the tool's arguments, run the tool (which maps to and from the domain), check
 * the answer against the tool's output schema; every failure becomes the tool error the model
 * reads (tool-errors.ts), and every call is logged and counted with its outcome.
 *
 * An unknown tool is a protocol error (JSON-RPC -32602, as the MCP spec has it); arguments that
 * fail the tool's input schema are a tool error the model can correct (`invalid_argument`).
 * @throws McpError InvalidParams for an unknown tool
 */
export async function callTool(
  params: { name: string; arguments?: Record<string, unknown> },
  deps: ToolCallDeps,
  caller: McpCaller,
): Promise<CallToolResult> {
  const tool = TOOLS_BY_NAME.get(params.name);
  if (tool === undefined) throw new ProtocolFault(ErrorCode.InvalidParams, `Unknown tool: ${params.name}`);
  return checkedOutput(tool, await runTool(tool, deps, caller, params.arguments ?? {}));
}

async function runTool(
  tool: McpTool,
  deps: ToolCallDeps,
  caller: McpCaller,
  rawArgs: Record<string, unknown>,
): Promise<CallToolResult> {
  const started = performance.now();
  let customerId: CustomerId | null = null;
  let outcome = "ok";
  let release: Release | null = null;
  try {
    customerId = customerFor(rawArgs.customer_id, caller);
    spendBudget(deps.customerLimiter, customerId);
    const args = parseArguments(tool, rawArgs);
    release = await admitted(deps.workLimiter);
    const answer = await tool.run(deps.services, customerId, args);
    return encodeAnswer(tool, answer.data as Record<string, unknown>, answer.summary);
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
    release?.();
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

/**
 * A success as the client reads it. Small answers carry their JSON twice (structuredContent and
 * text, as the MCP spec recommends); large ones once, with the summary as text.
 * @throws DomainError invalid_argument when the answer is over MAX_ANSWER_JSON_BYTES
 */
function encodeAnswer(tool: McpTool, data: Record<string, unknown>, summary: string): CallToolResult {
  const json = JSON.stringify(data);
  const bytes = Buffer.byteLength(json);
  if (bytes > MAX_ANSWER_JSON_BYTES) {
    throw new DomainError(
      "invalid_argument",
      `The answer of ${tool.name} would be ${kib(bytes)} KiB, over the ${kib(MAX_ANSWER_JSON_BYTES)} KiB limit; ask for less (a smaller max_results or a narrower window)`,
    );
  }
  const text =
    bytes <= TEXT_COPY_MAX_BYTES
      ? `${summary}\n\n${json}`
      : `${summary}\n\nThe full answer (${kib(bytes)} KiB of JSON) is in structuredContent; it is not repeated here.`;
  const result: CallToolResult = { content: [{ type: "text", text }], structuredContent: data };
  STRUCTURED_JSON.set(result, json);
  return result;
}

function kib(bytes: number): number {
  return Math.ceil(bytes / 1024);
}

/**
 * A running slot for one call, waiting for it if need be.
 * @throws DomainError rate_limited when this instance already has as many calls waiting as it queues
 */
async function admitted(limiter: ConcurrencyLimiter | undefined): Promise<Release | null> {
  if (limiter === undefined) return null;
  const slot = limiter.enter();
  if (slot !== null) return slot;
  throw new DomainError(
    "rate_limited",
    "This server is running as many calendar calls as it takes at once; retry in a moment",
    {
      details: { retry_after_seconds: 1 },
    },
  );
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

/**
 * The tool's own arguments as its input schema makes them; `customer_id`, not among them, is
 * dropped (it was resolved already). Any other argument the tool does not have is refused.
 * @throws DomainError invalid_argument naming every argument at fault (argument-issues.ts): a
 *   tool error, so the model reads it and can correct itself (MCP spec 2025-11-25)
 */
function parseArguments(tool: McpTool, args: Record<string, unknown>): Record<string, unknown> {
  const parsed = tool.input.safeParse(args);
  const issues = [
    ...unknownArguments(tool.input, args),
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => readableIssue(issue, args))),
  ];
  if (parsed.success && issues.length === 0) return parsed.data;
  throw invalidArguments(tool.name, issues);
}

type OutputCheck = (value: unknown) => { valid: boolean; errorMessage?: string | undefined };

const VALIDATOR = new AjvJsonSchemaValidator();
/** Compiled on a tool's first call, not at start. */
const OUTPUT_CHECKS = new Map<McpTool, OutputCheck>();

/**
 * As McpServer does, a success must carry structuredContent that fits the output schema. The
 * check is the JSON Schema published in tools/list (what a strict client checks too), compiled
 * once: parsing a page of events with zod would copy the whole answer only to throw it away.
 */
function checkedOutput(tool: McpTool, result: CallToolResult): CallToolResult {
  if (result.isError === true) return result;
  if (result.structuredContent === undefined) {
    return outputError(
      `Output validation error: Tool ${tool.name} has an output schema but no structured content was provided`,
    );
  }
  const verdict = outputCheckOf(tool)(result.structuredContent);
  if (verdict.valid) return result;
  return outputError(
    `Output validation error: Invalid structured content for tool ${tool.name}: ${verdict.errorMessage}`,
  );
}

function outputCheckOf(tool: McpTool): OutputCheck {
  let check = OUTPUT_CHECKS.get(tool);
  if (check === undefined) {
    const schema = z.toJSONSchema(tool.output, { target: "draft-7", io: "output" });
    check = VALIDATOR.getValidator(schema as Parameters<typeof VALIDATOR.getValidator>[0]);
    OUTPUT_CHECKS.set(tool, check);
  }
  return check;
}

/** What McpServer makes of the McpError(InvalidParams) it throws and catches for a bad output. */
function outputError(message: string): CallToolResult {
  return {
    content: [{ type: "text", text: `MCP error ${ErrorCode.InvalidParams}: ${message}` }],
    isError: true,
  };
}
