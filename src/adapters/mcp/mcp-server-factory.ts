import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import type { McpCaller } from "./mcp-caller.ts";
import { callTool, type ToolCallDeps } from "./tool-call.ts";
import { TOOL_LISTING } from "./tools/tool-catalog.ts";

export type McpServerDeps = ToolCallDeps;

export const SERVER_INFO = { name: "mcp-calendar-server", version: "0.1.0" } as const;

const INSTRUCTIONS =
  "Google Calendar of each end user of the assistant. Every tool takes customer_id: the id of the user you " +
  "are talking to, exactly as the conversation gives it; never another user's. If a tool answers " +
  "calendar_not_connected, reauthorization_required or insufficient_scope, give the user the " +
  "authorization_url in the error and try again once they say they have connected. Before booking, " +
  "check_availability or find_available_slots; book with an idempotency_key so a retry cannot book twice. " +
  'You do not know today\'s date: call current_time before turning "tomorrow" or "next Friday" into a date.';

// Made once: the SDK would otherwise build (and compile formats into) a validator per server, per request.
const SHARED_VALIDATOR = new AjvJsonSchemaValidator();

/**
 * An SDK server for one request that is not a single tools/call (initialize, tools/list, ping,
 * batches), or for one in-memory test connection, its tools closing over `caller`. tools/list
 * and tools/call are ours, not McpServer's: the listing is precomputed, and a call is answered
 * by `callTool`, the same function the direct path of /mcp uses.
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
