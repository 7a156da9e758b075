import { describe, expect, test } from "bun:test";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { answerToolCallDirectly } from "../../../src/adapters/mcp/direct-tool-call.ts";
import { takeIn } from "../../../src/adapters/mcp/json-rpc-intake.ts";
import { createMcpApp } from "../../../src/adapters/mcp/mcp-app.ts";
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
  const app = createMcpApp({ ...world.deps, allowedOrigins: [] });
  const response = await app.request("/", {
    method: "POST",
    headers: { ...JSON_HEADERS, ...headers },
    body: JSON.stringify(message),
  });
  return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
}

/** What mcp-app does for every request that is not a single tools/call: a fresh SDK server and transport. */
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
      text: await response.text(),
    };
  } finally {
    await server.close();
  }
}

/** The same bytes, status and media type both ways; the parsed answer, for the case's own checks. */
async function expectSameAnswer(world: McpWorld, message: unknown, headers: Record<string, string> = {}) {
  const [app, sdk] = [await viaApp(world, message, headers), await viaSdk(world.deps, message, headers)];
  expect(app.text).toBe(sdk.text);
  expect(app.status).toBe(sdk.status);
  expect(app.type?.split(";")[0]).toBe(sdk.type?.split(";")[0] as string);
  return JSON.parse(app.text) as {
    result?: { isError?: boolean; content: { text: string }[]; structuredContent?: unknown };
    error?: unknown;
  };
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

/** A broken service, so the output check has something to refuse. */
function withService(world: McpWorld, name: keyof McpServices, execute: () => Promise<unknown>): McpWorld {
  const services = { ...world.services, [name]: { execute } as unknown } as McpServices;
  return { ...world, deps: { ...world.deps, services } };
}

describe("tools/call on the direct path answers as the SDK does", () => {
  test("byte for byte: success, tool errors, bad arguments, unknown tool, bad output", async () => {
    const world = await mcpWorld();
    const event = seedStandup(world);
    const cases: [string, McpWorld, unknown, (body: Awaited<ReturnType<typeof expectSameAnswer>>) => void][] =
      [
        [
          "a success",
          world,
          toolCall("list_events", { customer_id: CUSTOMER, ...WINDOW }),
          (body) => expect(body.result?.content[0]?.text).toContain("Standup"),
        ],
        [
          "a tool's own error",
          world,
          toolCall("get_event", { customer_id: CUSTOMER, event_id: "missing" }),
          (body) => expect(body.result?.isError).toBe(true),
        ],
        [
          "a malformed customer_id",
          world,
          toolCall("list_calendars", { customer_id: "has spaces" }),
          (body) => expect(JSON.stringify(body)).toContain("invalid_customer_id"),
        ],
        [
          "arguments failing the input schema",
          world,
          toolCall("list_events", { customer_id: CUSTOMER, max_results: "ten", time_min: 5 }),
          (body) => {
            const error = (
              (body.result?.structuredContent ?? {}) as {
                error: { code: string; issues: { field: string }[] };
              }
            ).error;
            expect(error.code).toBe("invalid_argument");
            expect(error.issues.map((issue) => issue.field).sort()).toEqual(["max_results", "time_min"]);
            expect(body.result?.content[0]?.text).toContain("Invalid arguments for list_events: ");
          },
        ],
        [
          "unknown and misspelt arguments",
          world,
          toolCall("list_events", {
            customer_id: CUSTOMER,
            timezone: "Europe/Madrid",
            start_date: "2026-01-19",
          }),
          (body) => {
            const answer = (body.result?.structuredContent ?? {}) as {
              error?: { issues: { field: string }[] };
            };
            expect(answer.error?.issues.map((issue) => issue.field)).toEqual(["timezone", "start_date"]);
            expect(body.result?.content[0]?.text).toContain("did you mean time_zone?");
          },
        ],
        [
          "an unknown tool",
          world,
          toolCall("no_such_tool", { customer_id: CUSTOMER }),
          (body) =>
            expect(body.error).toEqual({
              code: -32602,
              // The bare message: a client adds its own "MCP error -32602: " prefix, once.
              message: "Unknown tool: no_such_tool",
            }),
        ],
        [
          "an answer that breaks the output schema",
          withService(world, "getEvent", async () => ({ ...event, status: "postponed" })),
          toolCall("get_event", { customer_id: CUSTOMER, event_id: event.id }),
          (body) => expect(JSON.stringify(body)).toContain("Output validation error"),
        ],
        [
          "a page of events with one bad attendee deep inside",
          withService(world, "listEvents", async () => ({
            events: [event, { ...event, attendees: [{ email: "x@example.com", responseStatus: "maybe" }] }],
            nextPageToken: null,
          })),
          toolCall("list_events", { customer_id: CUSTOMER }),
          (body) => expect(JSON.stringify(body)).toMatch(/Output validation error.*events/),
        ],
      ];
    for (const [name, caseWorld, message, check] of cases) {
      const body = await expectSameAnswer(caseWorld, message).catch((error: unknown) => {
        throw new Error(`${name}: ${String(error)}`);
      });
      check(body);
    }
    // Counted and logged like every other call, with its outcome.
    expect(world.logger.lines.some((line) => line.includes('"outcome":"invalid_argument"'))).toBe(true);
  });

  test("an MCP-Protocol-Version the SDK knows is served directly; one it does not, the SDK refuses", async () => {
    const world = await mcpWorld();
    const message = toolCall("list_calendars", { customer_id: CUSTOMER });
    await expectSameAnswer(world, message, { "mcp-protocol-version": "2025-06-18" });
    const intake = takeIn(JSON.stringify(message), ANONYMOUS_CALLER);
    if (intake.kind !== "forward" || intake.toolCall === null) throw new Error("a plain tools/call");
    expect(
      await answerToolCallDirectly(intake.toolCall, "1999-01-01", world.deps, ANONYMOUS_CALLER),
    ).toBeNull();
    const refused = await expectSameAnswer(world, message, { "mcp-protocol-version": "1999-01-01" });
    expect(refused.error).toBeDefined();
  });

  test("batches and other methods are left to the SDK, and so are task-augmented calls", async () => {
    const world = await mcpWorld();
    const call = toolCall("list_calendars", { customer_id: CUSTOMER });
    const toolCallOf = (message: unknown) => {
      const intake = takeIn(JSON.stringify(message), ANONYMOUS_CALLER);
      return intake.kind === "forward" ? intake.toolCall : "refused";
    };
    expect(toolCallOf([call])).toBeNull();
    expect(toolCallOf({ jsonrpc: "2.0", id: 1, method: "tools/list" })).toBeNull();
    // Less plain tools/calls still reach the direct path, through the SDK's schemas.
    const withMeta = toolCallOf({ ...call, params: { ...call.params, _meta: { progressToken: 1 } } });
    expect(withMeta).toMatchObject({ id: 7, params: { name: "list_calendars" } });
    const task = toolCallOf(toolCall("list_calendars", { customer_id: CUSTOMER }, { task: { ttl: 1000 } }));
    if (task === null || task === "refused") throw new Error("a task-augmented call is a tools/call");
    expect(await answerToolCallDirectly(task, null, world.deps, ANONYMOUS_CALLER)).toBeNull();
    const plain = toolCallOf(call);
    if (plain === null || plain === "refused") throw new Error("a plain call is a tools/call");
    expect(await answerToolCallDirectly(plain, null, world.deps, ANONYMOUS_CALLER)).not.toBeNull();
  });
});
