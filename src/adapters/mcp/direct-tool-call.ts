import { getParseErrorMessage } from "@modelcontextprotocol/sdk/server/zod-compat.js";
import {
  type CallToolResult,
  ErrorCode,
  isJSONRPCRequest,
  type JSONRPCMessage,
  type JSONRPCResultResponse,
  SUPPORTED_PROTOCOL_VERSIONS,
} from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { McpCaller } from "./mcp-caller.ts";
import { type McpServerDeps, runTool } from "./mcp-server-factory.ts";
import { compileOutputPrecheck, type OutputPrecheck } from "./output-precheck.ts";
import type { McpTool } from "./tool-definition.ts";
import { TOOLS } from "./tools/tool-catalog.ts";

const TOOLS_BY_NAME: ReadonlyMap<string, McpTool> = new Map(TOOLS.map((tool) => [tool.name, tool]));
/** Compiled on a tool's first call, not at start; null when the tool's schema has none. */
const PRECHECKS = new Map<McpTool, OutputPrecheck | null>();

/**
 * The hot path of /mcp: one `tools/call`, answered without building an SDK server and transport
 * for it. Those cost more than the rest of our work on a call put together (a server, twelve
 * tool registrations, a transport, a copied Request, parsing the message again, closing it all).
 *
 * It does what the SDK's McpServer does for such a call, in the same order and with the same
 * words: validate the arguments against the tool's input schema, run the tool, validate
 * `structuredContent` against its output schema, and answer `{ result, jsonrpc, id }`. Whatever
 * is less plain returns null and goes the SDK's way, so those answers stay exactly the SDK's:
 * batches, other methods, task-augmented calls, unknown tools, arguments that fail validation,
 * and an MCP-Protocol-Version header the SDK does not support.
 *
 * @param protocolVersion the request's MCP-Protocol-Version header, or null
 */
export async function answerToolCallDirectly(
  message: JSONRPCMessage | JSONRPCMessage[],
  protocolVersion: string | null,
  deps: McpServerDeps,
  caller: McpCaller,
): Promise<JSONRPCResultResponse | null> {
  if (Array.isArray(message) || !isJSONRPCRequest(message) || message.method !== "tools/call") return null;
  if (protocolVersion !== null && !SUPPORTED_PROTOCOL_VERSIONS.includes(protocolVersion)) return null;
  const params = message.params as { name?: unknown; arguments?: unknown; task?: unknown };
  const tool = typeof params.name === "string" ? TOOLS_BY_NAME.get(params.name) : undefined;
  if (tool === undefined || params.task !== undefined) return null;
  const input = await safeParse(tool.input, params.arguments ?? {});
  if (!input.success) return null;

  const result = await runTool(tool, deps, caller, input.data as Record<string, unknown>);
  return { result: await checkedOutput(tool, result), jsonrpc: "2.0", id: message.id };
}

/** The SDK's output check: a success must carry structuredContent that fits the output schema. */
async function checkedOutput(tool: McpTool, result: CallToolResult): Promise<CallToolResult> {
  if (result.isError === true) return result;
  if (result.structuredContent === undefined) {
    return sdkToolError(
      `Output validation error: Tool ${tool.name} has an output schema but no structured content was provided`,
    );
  }
  if (precheckOf(tool)?.(result.structuredContent) === true) return result;
  const output = await safeParse(tool.output, result.structuredContent);
  if (output.success) return result;
  return sdkToolError(
    `Output validation error: Invalid structured content for tool ${tool.name}: ${getParseErrorMessage(output.error)}`,
  );
}

function precheckOf(tool: McpTool): OutputPrecheck | null {
  let precheck = PRECHECKS.get(tool);
  if (precheck === undefined) {
    precheck = compileOutputPrecheck(tool.output);
    PRECHECKS.set(tool, precheck);
  }
  return precheck;
}

/**
 * Zod's synchronous parse, which runs a compiled fast path for objects that the asynchronous one
 * the SDK uses never takes (it is most of the cost of checking a page of events). Same result;
 * a schema with an asynchronous refinement still gets the asynchronous parse.
 */
async function safeParse<T>(schema: z.ZodType<T>, data: unknown): Promise<z.ZodSafeParseResult<T>> {
  try {
    return schema.safeParse(data);
  } catch (error) {
    if (error instanceof z.core.$ZodAsyncError) return schema.safeParseAsync(data);
    throw error;
  }
}

/** What McpServer makes of the McpError(InvalidParams) it throws and catches for a bad output. */
function sdkToolError(message: string): CallToolResult {
  return {
    content: [{ type: "text", text: `MCP error ${ErrorCode.InvalidParams}: ${message}` }],
    isError: true,
  };
}
