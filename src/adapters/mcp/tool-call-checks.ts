import { getParseErrorMessage } from "@modelcontextprotocol/sdk/server/zod-compat.js";
import { type CallToolResult, ErrorCode } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { DomainError } from "../../domain/errors.ts";
import { compileOutputPrecheck, type OutputPrecheck } from "./output-precheck.ts";
import type { McpTool } from "./tool-definition.ts";

/** Compiled on a tool's first call, not at start; null when the tool's schema has none. */
const PRECHECKS = new Map<McpTool, OutputPrecheck | null>();

/**
 * The arguments as the tool's input schema makes them (defaults filled in, strings trimmed...).
 * @throws DomainError invalid_argument naming every argument at fault: a tool error, so the model
 *   reads it and can correct itself (MCP spec 2025-11-25), in the same shape as every other one
 */
export async function parseArguments(
  tool: McpTool,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const parsed = await safeParse(tool.input, args);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  const issues = parsed.error.issues.map((issue) => ({
    field: issue.path.length === 0 ? "arguments" : issue.path.map(String).join("."),
    message: issue.message,
  }));
  const listed = issues.map((issue) => `${issue.field}: ${issue.message}`).join("; ");
  throw new DomainError("invalid_argument", `Invalid arguments for ${tool.name}: ${listed}`, {
    details: { field: issues[0]?.field ?? "arguments", issues },
  });
}

/** McpServer's output check: a success must carry structuredContent that fits the output schema. */
export async function checkedOutput(tool: McpTool, result: CallToolResult): Promise<CallToolResult> {
  if (result.isError === true) return result;
  if (result.structuredContent === undefined) {
    return outputError(
      `Output validation error: Tool ${tool.name} has an output schema but no structured content was provided`,
    );
  }
  if (precheckOf(tool)?.(result.structuredContent) === true) return result;
  const output = await safeParse(tool.output, result.structuredContent);
  if (output.success) return result;
  return outputError(
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
function outputError(message: string): CallToolResult {
  return {
    content: [{ type: "text", text: `MCP error ${ErrorCode.InvalidParams}: ${message}` }],
    isError: true,
  };
}
