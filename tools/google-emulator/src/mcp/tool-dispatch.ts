/**
 * One authenticated `tools/call`: scope check, argument check, approval round trip, the tool
 * itself, and the encoding of its outcome. Data goes back both as `structuredContent` and as
 * JSON text in `content` (Google's choice is unknown; the product reads either).
 */

import type { EmulatorState, IssuedAccessToken } from "../emulator-state.ts";
import { approvalMessage, inputRequired, readApproval } from "./approvals.ts";
import { failureError, failureResult, type ToolFailure, toolFailures, toToolFailure } from "./mcp-errors.ts";
import { readToolArguments } from "./tool-arguments.ts";
import { findTool, type ToolName } from "./tool-catalog.ts";
import type { ToolHandler } from "./tool-context.ts";
import { TOOL_SCOPES } from "./tool-scopes.ts";
import { READ_TOOLS } from "./tools-read.ts";
import { SUGGEST_TOOLS } from "./tools-suggest.ts";
import { WRITE_TOOLS } from "./tools-write.ts";

const HANDLERS: Record<ToolName, ToolHandler> = { ...READ_TOOLS, ...SUGGEST_TOOLS, ...WRITE_TOOLS };

export interface ToolCall {
  state: EmulatorState;
  token: IssuedAccessToken;
  params: Record<string, unknown>;
  /** False on `/mcp/v1self`, or when the request's `_meta` declares no form elicitation. */
  canElicit: boolean;
}

export type JsonRpcOutcome =
  | { result: Record<string, unknown> }
  | { error: { code: number; message: string; data?: unknown } };

function failed(state: EmulatorState, failure: ToolFailure): JsonRpcOutcome {
  return state.options.mcpToolErrorEncoding === "jsonrpc"
    ? { error: failureError(failure) }
    : { result: { ...failureResult(failure) } };
}

export function callTool(call: ToolCall): JsonRpcOutcome {
  const { state, token, params } = call;
  const tool = findTool(params.name);
  if (tool === null) return { error: { code: -32602, message: `Unknown tool: ${String(params.name)}` } };
  try {
    if (!token.scopes.some((granted) => TOOL_SCOPES[tool.name].includes(granted)))
      throw toolFailures.insufficientScopes();
    const args = readToolArguments(tool, params.arguments);
    const now = Date.now();
    const caller = { state, email: token.email, clientId: token.clientId, tool: tool.name, args, now };
    const message = approvalMessage(caller);
    if (message !== null) {
      if (!call.canElicit) throw toolFailures.confirmationUnsupported();
      if (params.requestState === undefined && params.inputResponses === undefined)
        return { result: { ...inputRequired(caller, message) } };
      const action = readApproval(caller, params.requestState, params.inputResponses);
      if (action !== "accept") throw toolFailures.approvalRefused(action as "decline" | "cancel");
    }
    const data = HANDLERS[tool.name]({ state, email: token.email, args, now });
    return { result: { content: [{ type: "text", text: JSON.stringify(data) }], structuredContent: data } };
  } catch (error) {
    const failure = toToolFailure(error);
    if (failure !== null) return failed(state, failure);
    console.error(`calendar MCP emulator: ${tool.name} failed`, error);
    return { error: { code: -32603, message: "Internal error" } };
  }
}
