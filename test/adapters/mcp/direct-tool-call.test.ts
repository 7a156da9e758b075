import { describe, expect, test } from "bun:test";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { answerToolCallDirectly } from "../../../src/adapters/mcp/direct-tool-call.ts";
import { ANONYMOUS_CALLER } from "../../../src/adapters/mcp/mcp-caller.ts";
import { createMcpServer, type McpServerDeps } from "../../../src/adapters/mcp/mcp-server-factory.ts";
import type { McpServices } from "../../../src/adapters/mcp/tool-definition.ts";
import { CUSTOMER } from "../../domain/calendar-fixtures.ts";
import { type McpWorld, mcpWorld } from "./mcp-fixtures.ts";

/**
 * The direct path must answer every tools/call exactly as the SDK's McpServer and transport
 * would: each message goes through /mcp (direct path where it applies) and through a fresh SDK
 * server, and the two HTTP answers must be the same.
 */

const JSON_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

function toolCall(name: string, args: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    jsonrpc: "2.0" as const,
    id: 7,
    method: "tools/call",
    params: { name, arguments: args, ...extra },
  };
}

async function viaApp(world: McpWorld, message: unknown, headers: Record<string, string> = {}) {
  const response = await world.mcpApp.request("/", {
    method: "POST",
    headers: { ...JSON_HEADERS, ...headers },
    body: JSON.stringify(message),
  });
  return { status: response.status, type: response.headers.get("content-type"), body: await response.json() };
}

/** What mcp-app did for every request before the direct path: a fresh SDK server and transport. */
async function viaSdk(deps: McpServerDeps, message: unknown, headers: Record<string, string> = {}) {
  const server = createMcpServer(deps, ANONYMOUS_CALLER);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  await server.connect(transport);
  try {
    const request = new Request("http://localhost/mcp", {
      method: "POST",
      headers: { ...JSON_HEADERS, ...headers },
    });
    const response = await transport.handleRequest(request, { parsedBody: message as never });
    return {
      status: response.status,
      type: response.headers.get("content-type"),
      body: await response.json(),
    };
  } finally {
    await server.close();
  }
}

async function expectSameAnswer(world: McpWorld, message: unknown, headers: Record<string, string> = {}) {
  const [app, sdk] = [await viaApp(world, message, headers), await viaSdk(world.deps, message, headers)];
  expect(app.body).toEqual(sdk.body);
  expect(app.status).toBe(sdk.status);
  expect(app.type?.split(";")[0]).toBe(sdk.type?.split(";")[0] as string);
  return app.body as { result?: { isError?: boolean; content: { text: string }[] }; error?: unknown };
}

function seedStandup(world: McpWorld) {
  return world.calendar.seedEvent("primary", {
    summary: "Standup",
    start: { dateTime: "2026-01-20T10:00:00+01:00", timeZone: "Europe/Madrid" },
    end: { dateTime: "2026-01-20T11:00:00+01:00", timeZone: "Europe/Madrid" },
    attendees: [{ email: "ana@example.com", responseStatus: "accepted" }],
  });
}

const WINDOW = { time_min: "2026-01-19T00:00:00Z", time_max: "2026-01-24T00:00:00Z" };

describe("tools/call on the direct path answers as the SDK does", () => {
  test("a successful call: content, structuredContent, id", async () => {
    const world = await mcpWorld();
    seedStandup(world);
    const body = await expectSameAnswer(world, toolCall("list_events", { customer_id: CUSTOMER, ...WINDOW }));
    expect(body.result?.isError).toBeUndefined();
    expect(body.result?.content[0]?.text).toContain("Standup");
  });

  test("a tool's own error result", async () => {
    const world = await mcpWorld();
    const body = await expectSameAnswer(
      world,
      toolCall("get_event", { customer_id: CUSTOMER, event_id: "missing" }),
    );
    expect(body.result?.isError).toBe(true);
  });

  test("a malformed customer_id argument", async () => {
    const world = await mcpWorld();
    const body = await expectSameAnswer(world, toolCall("list_calendars", { customer_id: "has spaces" }));
    expect(body.result?.isError).toBe(true);
  });

  test("arguments failing the input schema are an invalid_argument tool error naming each field", async () => {
    const world = await mcpWorld();
    const message = toolCall("list_events", { customer_id: CUSTOMER, max_results: "ten", time_min: 5 });
    const body = await expectSameAnswer(world, message);
    const result = body.result as {
      isError: boolean;
      content: { text: string }[];
      structuredContent: { error: { code: string; field: string; issues: { field: string }[] } };
    };
    expect(result.isError).toBe(true);
    expect(result.structuredContent.error.code).toBe("invalid_argument");
    expect(result.structuredContent.error.issues.map((issue) => issue.field).sort()).toEqual([
      "max_results",
      "time_min",
    ]);
    expect(result.structuredContent.error.field).toBe(
      result.structuredContent.error.issues[0]?.field as string,
    );
    expect(result.content[0]?.text).toContain("Invalid arguments for list_events: ");
    expect(result.content[0]?.text).toContain("max_results");
    // Counted and logged like every other call, with its outcome.
    expect(world.logger.lines.some((line) => line.includes('"outcome":"invalid_argument"'))).toBe(true);
  });

  test("an unknown tool is a JSON-RPC -32602 error naming it, as the MCP spec has it", async () => {
    const world = await mcpWorld();
    const body = await expectSameAnswer(world, toolCall("no_such_tool", { customer_id: CUSTOMER }));
    expect(body.result).toBeUndefined();
    expect(body.error).toEqual({ code: -32602, message: "MCP error -32602: Unknown tool: no_such_tool" });
  });

  test("a structured answer that breaks the output schema is the SDK's output validation error", async () => {
    const world = await mcpWorld();
    const event = seedStandup(world);
    const services: McpServices = {
      ...world.services,
      getEvent: {
        execute: async () => ({ ...event, status: "postponed" }),
      } as unknown as McpServices["getEvent"],
    };
    const broken = { ...world, deps: { ...world.deps, services } };
    const message = toolCall("get_event", { customer_id: CUSTOMER, event_id: event.id });
    const direct = await answerToolCallDirectly(message, null, broken.deps, ANONYMOUS_CALLER);
    const sdk = await viaSdk(broken.deps, message);
    expect(direct as unknown).toEqual(sdk.body);
    expect(JSON.stringify(direct)).toContain("Output validation error");
  });

  test("a page of events with one bad attendee deep inside gets the SDK's own error message", async () => {
    const world = await mcpWorld();
    const event = seedStandup(world);
    const attendee = { email: "x@example.com", responseStatus: "maybe" };
    const services: McpServices = {
      ...world.services,
      listEvents: {
        execute: async () => ({
          events: [event, { ...event, attendees: [...event.attendees, attendee] }],
          next_page_token: null,
        }),
      } as unknown as McpServices["listEvents"],
    };
    const broken = { ...world, deps: { ...world.deps, services } };
    const message = toolCall("list_events", { customer_id: CUSTOMER });
    const direct = await answerToolCallDirectly(message, null, broken.deps, ANONYMOUS_CALLER);
    expect(direct as unknown).toEqual((await viaSdk(broken.deps, message)).body);
    expect(JSON.stringify(direct)).toContain("Output validation error");
    expect(JSON.stringify(direct)).toContain("events");
  });

  test("an MCP-Protocol-Version the SDK knows is served directly; one it does not, the SDK refuses", async () => {
    const world = await mcpWorld();
    const message = toolCall("list_calendars", { customer_id: CUSTOMER });
    await expectSameAnswer(world, message, { "mcp-protocol-version": "2025-06-18" });
    expect(await answerToolCallDirectly(message, "1999-01-01", world.deps, ANONYMOUS_CALLER)).toBeNull();
    const refused = await expectSameAnswer(world, message, { "mcp-protocol-version": "1999-01-01" });
    expect(refused.error).toBeDefined();
  });

  test("batches, other methods and task-augmented calls are left to the SDK", async () => {
    const world = await mcpWorld();
    const call = toolCall("list_calendars", { customer_id: CUSTOMER });
    const deps = world.deps;
    expect(await answerToolCallDirectly([call], null, deps, ANONYMOUS_CALLER)).toBeNull();
    expect(
      await answerToolCallDirectly(
        { jsonrpc: "2.0", id: 1, method: "tools/list" },
        null,
        deps,
        ANONYMOUS_CALLER,
      ),
    ).toBeNull();
    const task = toolCall("list_calendars", { customer_id: CUSTOMER }, { task: { ttl: 1000 } });
    expect(await answerToolCallDirectly(task as never, null, deps, ANONYMOUS_CALLER)).toBeNull();
    expect(await answerToolCallDirectly(call, null, deps, ANONYMOUS_CALLER)).not.toBeNull();
  });
});
