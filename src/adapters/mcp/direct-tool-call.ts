import {
  type JSONRPCErrorResponse,
  McpError,
  SUPPORTED_PROTOCOL_VERSIONS,
} from "@modelcontextprotocol/sdk/types.js";
import type { ToolCallRequest } from "./json-rpc-intake.ts";
import type { McpCaller } from "./mcp-caller.ts";
import { callTool, resultJson, type ToolCallDeps } from "./tool-call.ts";

/**
 * The fast path of /mcp: one `tools/call`, answered without building an SDK server and transport
 * for it (a server, a transport, a copied Request, parsing the message again, closing it all
 * cost more than the rest of a call's work).
 *
 * The call itself is `callTool`, the very function the SDK server's tools/call handler runs
 * (mcp-server-factory.ts), and the answer is the JSON text the SDK's Protocol and transport
 * write: `{ result, jsonrpc, id }`, or `{ jsonrpc, id, error }` for an McpError (an unknown
 * tool). direct-tool-call.test.ts proves the bytes are the same. What is less plain returns null and
 * goes the SDK's way: task-augmented calls, and an MCP-Protocol-Version the SDK does not support.
 *
 * @param protocolVersion the request's MCP-Protocol-Version header, or null
 */
export async function answerToolCallDirectly(
  call: ToolCallRequest,
  protocolVersion: string | null,
  deps: ToolCallDeps,
  caller: McpCaller,
): Promise<string | null> {
  if (protocolVersion !== null && !SUPPORTED_PROTOCOL_VERSIONS.includes(protocolVersion)) return null;
  if (call.params.task !== undefined) return null;
  try {
    const result = await callTool(call.params, deps, caller);
    return `{"result":${resultJson(result)},"jsonrpc":"2.0","id":${JSON.stringify(call.id)}}`;
  } catch (error) {
    if (!(error instanceof McpError)) throw error;
    const data = error.data === undefined ? {} : { data: error.data };
    const answer: JSONRPCErrorResponse = {
      jsonrpc: "2.0",
      id: call.id,
      error: { code: error.code, message: error.message, ...data },
    };
    return JSON.stringify(answer);
  }
}
