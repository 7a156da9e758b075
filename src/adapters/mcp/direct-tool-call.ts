import {
  isJSONRPCRequest,
  type JSONRPCErrorResponse,
  type JSONRPCMessage,
  type JSONRPCResultResponse,
  McpError,
  SUPPORTED_PROTOCOL_VERSIONS,
} from "@modelcontextprotocol/sdk/types.js";
import type { McpCaller } from "./mcp-caller.ts";
import { callTool, type McpServerDeps } from "./mcp-server-factory.ts";

/**
 * The hot path of /mcp: one `tools/call`, answered without building an SDK server and transport
 * for it. Those cost more than the rest of our work on a call put together (a server, a
 * transport, a copied Request, parsing the message again, closing it all).
 *
 * The call itself is `callTool`, the very function the SDK server's tools/call handler runs, so
 * the answer is the same either way: `{ result, jsonrpc, id }`, or `{ error, jsonrpc, id }` for
 * an unknown tool, as the SDK would write it. Whatever is less plain returns null and goes the
 * SDK's way: batches, other methods, task-augmented calls, and an MCP-Protocol-Version header the
 * SDK does not support.
 *
 * @param protocolVersion the request's MCP-Protocol-Version header, or null
 */
export async function answerToolCallDirectly(
  message: JSONRPCMessage | JSONRPCMessage[],
  protocolVersion: string | null,
  deps: McpServerDeps,
  caller: McpCaller,
): Promise<JSONRPCResultResponse | JSONRPCErrorResponse | null> {
  if (Array.isArray(message) || !isJSONRPCRequest(message) || message.method !== "tools/call") return null;
  if (protocolVersion !== null && !SUPPORTED_PROTOCOL_VERSIONS.includes(protocolVersion)) return null;
  // The intake has checked params against CallToolRequestSchema.
  const params = message.params as { name: string; arguments?: Record<string, unknown>; task?: unknown };
  if (params.task !== undefined) return null;
  try {
    return { result: await callTool(params, deps, caller), jsonrpc: "2.0", id: message.id };
  } catch (error) {
    if (!(error instanceof McpError)) throw error;
    // As the SDK's Protocol answers an McpError a request handler throws.
    const data = error.data === undefined ? {} : { data: error.data };
    return { jsonrpc: "2.0", id: message.id, error: { code: error.code, message: error.message, ...data } };
  }
}
