import { expect } from "bun:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { createHttpApp } from "../../../src/adapters/http/http-app.ts";
import { MemoryLogger } from "../../../src/adapters/logging/logger.ts";
import { createMcpApp } from "../../../src/adapters/mcp/mcp-app.ts";
import { ANONYMOUS_CALLER, type McpCaller } from "../../../src/adapters/mcp/mcp-caller.ts";
import { createMcpServer, type McpServerDeps } from "../../../src/adapters/mcp/mcp-server-factory.ts";
import type { McpServices } from "../../../src/adapters/mcp/tool-definition.ts";
import { ConnectCalendar } from "../../../src/domain/services/connect-calendar.ts";
import { GetCurrentTime } from "../../../src/domain/services/current-time.ts";
import { DisconnectCalendar } from "../../../src/domain/services/disconnect-calendar.ts";
import { GetConnectionStatus } from "../../../src/domain/services/get-connection-status.ts";
import { calendarWorld } from "../../domain/calendar-fixtures.ts";

export const ALLOWED_ORIGIN = "https://assistant.example.com";
export const API_KEY = "mcp-test-api-key-0123456789";

/**
 * The MCP surface over in-memory fakes: customer "user-123" is connected (calendar in Madrid,
 * clock at 2026-01-15T10:00Z), anyone else is not. `toolCalls` records the metrics hook.
 */
export async function mcpWorld(options: Parameters<typeof calendarWorld>[0] = {}) {
  const world = await calendarWorld(options);
  const services: McpServices = {
    connect: new ConnectCalendar(world),
    status: new GetConnectionStatus(world),
    disconnect: new DisconnectCalendar(world),
    listCalendars: world.listCalendars,
    listEvents: world.listEvents,
    getEvent: world.getEvent,
    checkAvailability: world.checkAvailability,
    findAvailableSlots: world.findSlots,
    bookEvent: world.book,
    updateBooking: world.update,
    cancelBooking: world.cancel,
    respondToInvitation: world.respond,
    currentTime: new GetCurrentTime(world),
  };
  const logger = new MemoryLogger();
  const toolCalls: { tool: string; outcome: string }[] = [];
  const deps: McpServerDeps = {
    services,
    logger,
    onToolCall: (tool, outcome) => toolCalls.push({ tool, outcome }),
  };
  const mcpApp = createMcpApp({ ...deps, allowedOrigins: [ALLOWED_ORIGIN] });
  return { ...world, services, logger, toolCalls, deps, mcpApp };
}

export type McpWorld = Awaited<ReturnType<typeof mcpWorld>>;

/** The real HTTP app (API key, request log, body limit) with the MCP app mounted at /mcp. */
export async function httpMcpWorld() {
  const world = await mcpWorld();
  const app = createHttpApp({
    connect: world.services.connect,
    disconnect: world.services.disconnect,
    status: world.services.status,
    logger: world.logger,
    apiKeys: [API_KEY],
    maxBodyBytes: 65536,
    health: async () => ({ ok: true, checks: {} }),
    protectedApps: { "/mcp": world.mcpApp },
  });
  /** POST a body to /mcp with the API key; `headers` may override or (with undefined) drop any header. */
  const post = (body: unknown, headers: Record<string, string | undefined> = {}) => {
    const all: Record<string, string | undefined> = {
      authorization: `Bearer ${API_KEY}`,
      "content-type": "application/json",
      ...headers,
    };
    const sent = Object.fromEntries(
      Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    return app.request("/mcp", {
      method: "POST",
      headers: sent,
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  };
  return { ...world, app, post };
}

/** A real SDK client talking to a fresh server through the SDK's in-memory transport pair. */
export async function connectedClient(
  deps: McpServerDeps,
  caller: McpCaller = ANONYMOUS_CALLER,
): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await createMcpServer(deps, caller).connect(serverSide);
  const client = new Client({ name: "test-client", version: "1.0.0" });
  await client.connect(clientSide);
  // Caches the output schemas, so every callTool below is validated as a strict client would.
  await client.listTools();
  return client;
}

/** structuredContent of a successful call (fails the test on an error result). */
export function dataOf(result: unknown): Record<string, unknown> {
  const call = result as CallToolResult;
  if (call.isError === true) throw new Error(`expected success, got ${JSON.stringify(call.content)}`);
  expect(call.structuredContent).toBeDefined();
  return call.structuredContent as Record<string, unknown>;
}

/** The error object of an isError result (fails the test on success). */
export function errorOf(result: unknown): Record<string, unknown> & { code: string; message: string } {
  const call = result as CallToolResult;
  expect(call.isError).toBe(true);
  const error = (call.structuredContent as { error?: Record<string, unknown> } | undefined)?.error;
  expect(error).toBeDefined();
  return error as Record<string, unknown> & { code: string; message: string };
}

export function textOf(result: unknown): string {
  const first = (result as CallToolResult).content[0];
  return first?.type === "text" ? first.text : "";
}
