/**
 * Google's Calendar MCP server (calendarmcp.googleapis.com) as the emulator serves it:
 * `POST /mcp/v1` and `POST /mcp/v1self`, Streamable HTTP in its stateless form (plain JSON
 * answers, no session, GET/DELETE → 405), and the protected-resource metadata the 401
 * challenge points at. `initialize` and `tools/list` need no credential; `tools/call` does.
 */

import { type Context, Hono } from "hono";
import { defaultFaultBody, JSON_CONTENT_TYPE } from "../calendar/calendar-errors.ts";
import { isObject } from "../calendar/event-input.ts";
import type { EmulatorState, FaultRule } from "../emulator-state.ts";
import { authenticateMcp } from "./mcp-auth.ts";
import {
  canElicit,
  declaredVersion,
  discoverResult,
  initializeResult,
  MCP_PROTOCOL_VERSIONS,
  STATELESS_VERSION,
  unsupportedVersion,
} from "./mcp-protocol.ts";
import { CALENDAR_TOOLS } from "./tool-catalog.ts";
import { callTool, type JsonRpcOutcome } from "./tool-dispatch.ts";
import { SCOPES_SUPPORTED } from "./tool-scopes.ts";

const ENDPOINTS = ["/mcp/v1", "/mcp/v1self"] as const;

type Id = string | number | null;

function rpc(id: Id, outcome: JsonRpcOutcome, status = 200): Response {
  return new Response(JSON.stringify({ jsonrpc: "2.0", id, ...outcome }), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

const rpcError = (id: Id, code: number, message: string, status = 200): Response =>
  rpc(id, { error: { code, message } }, status);

/** The answer an injected fault prescribes, after its delay; null when it only delays. */
async function playFault(fault: FaultRule): Promise<Response | null> {
  if (fault.delayMs !== undefined && fault.delayMs > 0) await Bun.sleep(fault.delayMs);
  if (fault.status === undefined) return null;
  const body = fault.body ?? JSON.stringify(defaultFaultBody(fault.status));
  return new Response(body, {
    status: fault.status,
    headers: { "Content-Type": JSON_CONTENT_TYPE, ...fault.headers },
  });
}

/** Transport checks of the Streamable HTTP spec, before any JSON-RPC is read. */
function transportError(c: Context): Response | null {
  const contentType = c.req.header("Content-Type") ?? "";
  if (!contentType.toLowerCase().startsWith("application/json"))
    return rpcError(null, -32000, "Unsupported Media Type: Content-Type must be application/json", 415);
  const accept = (c.req.header("Accept") ?? "").toLowerCase();
  const acceptsBoth = accept.includes("application/json") && accept.includes("text/event-stream");
  if (!acceptsBoth && !accept.includes("*/*"))
    return rpcError(
      null,
      -32000,
      "Not Acceptable: Client must accept both application/json and text/event-stream",
      406,
    );
  return null;
}

async function handle(
  state: EmulatorState,
  c: Context,
  endpoint: (typeof ENDPOINTS)[number],
): Promise<Response> {
  const refused = transportError(c);
  if (refused !== null) return refused;
  let message: unknown;
  try {
    message = JSON.parse(await c.req.text());
  } catch {
    return rpcError(null, -32700, "Parse error", 400);
  }
  if (!isObject(message) || message.jsonrpc !== "2.0" || typeof message.method !== "string")
    return rpcError(null, -32600, "Invalid Request", 400);
  const { method } = message;
  const id = (message.id ?? null) as Id;
  const params = isObject(message.params) ? message.params : {};
  const version = declaredVersion(params, c.req.header("MCP-Protocol-Version"));
  if (version !== null && method !== "initialize" && !MCP_PROTOCOL_VERSIONS.includes(version))
    return rpc(id, { error: unsupportedVersion(version) }, 400);
  // 2026-07-28 results say whether they are final; older clients do not expect the field.
  const complete = version === STATELESS_VERSION ? { resultType: "complete" } : {};
  state.countMcp("mcpRequests", method);
  const toolName = method === "tools/call" && typeof params.name === "string" ? params.name : null;
  if (toolName !== null) state.countMcp("mcpCalls", toolName);
  const fault = state.takeFault(...(toolName === null ? ["mcp"] : ["mcp", `mcp:${toolName}`]));
  const early = fault === undefined || fault.after === true ? null : await playFault(fault);
  if (early !== null) return early;
  const answer = answerOf(state, c, endpoint, message, params, complete);
  const late = fault?.after === true ? await playFault(fault) : null;
  return late ?? answer;
}

function answerOf(
  state: EmulatorState,
  c: Context,
  endpoint: (typeof ENDPOINTS)[number],
  message: Record<string, unknown>,
  params: Record<string, unknown>,
  complete: Record<string, unknown>,
): Response {
  const method = message.method as string;
  const id = (message.id ?? null) as Id;
  if (!("id" in message)) return new Response(null, { status: 202 });
  switch (method) {
    case "initialize":
      return rpc(id, { result: initializeResult(params) });
    case "ping":
      return rpc(id, { result: {} });
    case "server/discover":
      return rpc(id, { result: discoverResult() });
    case "tools/list":
      return rpc(id, { result: { ...complete, tools: CALENDAR_TOOLS } });
    case "tools/call": {
      const origin = new URL(c.req.url).origin;
      const auth = authenticateMcp(state, c.req.header("Authorization"), origin, endpoint);
      if (!auth.ok) return auth.response;
      const elicit = endpoint === "/mcp/v1" && canElicit(params);
      const outcome = callTool({ state, token: auth.token, params, canElicit: elicit });
      if ("result" in outcome && outcome.result.resultType === undefined)
        Object.assign(outcome.result, complete);
      return rpc(id, outcome);
    }
    default:
      return rpcError(id, -32601, `Method not found: ${method}`);
  }
}

export function mcpRoutes(state: EmulatorState): Hono {
  const app = new Hono();
  for (const endpoint of ENDPOINTS) {
    app.post(endpoint, (c) => handle(state, c, endpoint));
    // A stateless server offers no SSE stream and no session to delete.
    app.on(["GET", "DELETE"], endpoint, () =>
      Response.json(
        { jsonrpc: "2.0", id: null, error: { code: -32000, message: "Method not allowed." } },
        { status: 405, headers: { Allow: "POST" } },
      ),
    );
    app.get(`/.well-known/oauth-protected-resource${endpoint}`, (c) => {
      const origin = new URL(c.req.url).origin;
      return c.json({
        resource: `${origin}${endpoint}`,
        authorization_servers: [origin],
        scopes_supported: SCOPES_SUPPORTED,
        bearer_methods_supported: ["header"],
        resource_name: "Google Calendar MCP",
      });
    });
  }
  return app;
}
