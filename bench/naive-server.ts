import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { JsonLineLogger } from "../src/adapters/logging/logger.ts";
import { TOOLS } from "../src/adapters/mcp/tools/tool-catalog.ts";
import { SystemClock } from "../src/adapters/system/system-clock.ts";
import { composeServices } from "../src/app/compose.ts";
import { loadConfig } from "../src/app/config.ts";
import { openStorage } from "../src/app/storage.ts";
import { parseCustomerId } from "../src/domain/customer-id.ts";

/**
 * The baseline our MCP endpoint is compared with: the same domain services over the same store
 * and Google client, served the way the SDK's examples do it with no care for speed. Each POST
 * builds its zod schemas, a new McpServer (with its own JSON Schema validator), registers every
 * tool, connects a new transport and lets the SDK do all parsing.
 *
 * Its tools answer exactly as ours do: the same services, the same output mapping, and the same
 * output schemas (shared, the one thing not rebuilt per request), which the SDK checks. It does
 * less than the product elsewhere, which only flatters it: no request log, no metrics, no
 * origin, body or rate checks, a plain key comparison.
 * Run as a process: `bun bench/naive-server.ts`, configured by the product's environment.
 */

const config = loadConfig();
const storage = await openStorage(config);
const logger = new JsonLineLogger({ level: "warn" });
const services = composeServices(config, storage, { logger, clock: new SystemClock() });
const expectedAuthorization = new Set(config.server.apiKeys.map((key) => `Bearer ${key}`));

/** Built on every request, as a handler that declares its schemas inline does. */
function inputShapes(): Record<string, z.ZodRawShape> {
  const time = z.string();
  const calendarId = z.string().optional();
  const sendUpdates = z.enum(["all", "externalOnly", "none"]).optional();
  const attendees = z.array(z.object({ email: z.string(), optional: z.boolean().optional() })).optional();
  const customer = { customer_id: z.string() };
  return {
    connect_calendar: { ...customer, login_hint: z.string().optional() },
    calendar_status: customer,
    disconnect_calendar: customer,
    list_calendars: customer,
    list_events: {
      ...customer,
      calendar_id: calendarId,
      time_min: time.optional(),
      time_max: time.optional(),
      query: z.string().optional(),
      max_results: z.number().int().optional(),
      page_token: z.string().optional(),
      time_zone: z.string().optional(),
    },
    get_event: { ...customer, event_id: z.string(), calendar_id: calendarId },
    check_availability: {
      ...customer,
      time_min: time,
      time_max: time,
      calendar_ids: z.array(z.string()).optional(),
      time_zone: z.string().optional(),
    },
    find_available_slots: {
      ...customer,
      time_min: time,
      time_max: time,
      duration_minutes: z.number().int(),
      time_zone: z.string().optional(),
      working_hours: z
        .object({
          start: z.string().optional(),
          end: z.string().optional(),
          days: z.array(z.number().int()).optional(),
        })
        .optional(),
      calendar_ids: z.array(z.string()).optional(),
      max_results: z.number().int().optional(),
    },
    create_booking: {
      ...customer,
      summary: z.string(),
      start: time,
      end: time,
      time_zone: z.string().optional(),
      description: z.string().optional(),
      location: z.string().optional(),
      attendees,
      calendar_id: calendarId,
      idempotency_key: z.string().optional(),
      allow_conflicts: z.boolean().optional(),
      add_meet_link: z.boolean().optional(),
      send_updates: sendUpdates,
      recurrence: z.array(z.string()).optional(),
    },
    update_booking: {
      ...customer,
      event_id: z.string(),
      calendar_id: calendarId,
      summary: z.string().optional(),
      start: time.optional(),
      end: time.optional(),
      time_zone: z.string().optional(),
      description: z.string().optional(),
      location: z.string().optional(),
      attendees,
      send_updates: sendUpdates,
      allow_conflicts: z.boolean().optional(),
    },
    cancel_booking: { ...customer, event_id: z.string(), calendar_id: calendarId, send_updates: sendUpdates },
    respond_to_invitation: {
      ...customer,
      event_id: z.string(),
      response: z.enum(["accepted", "declined", "tentative"]),
      calendar_id: calendarId,
      send_updates: sendUpdates,
    },
  };
}

function buildServer(): McpServer {
  const server = new McpServer({ name: "naive-calendar", version: "0.0.0" });
  const shapes = inputShapes();
  for (const tool of TOOLS) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: shapes[tool.name] ?? {},
        outputSchema: tool.output,
      },
      async (args: Record<string, unknown>): Promise<CallToolResult> => {
        try {
          const answer = await tool.run(services, parseCustomerId(args.customer_id), args);
          const data = answer.data as Record<string, unknown>;
          return {
            content: [{ type: "text", text: `${answer.summary}\n\n${JSON.stringify(data)}` }],
            structuredContent: data,
          };
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          return { isError: true, content: [{ type: "text", text: message }] };
        }
      },
    );
  }
  return server;
}

const server = Bun.serve({
  port: config.server.port,
  fetch: async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/healthz") return Response.json({ status: "ok" });
    if (pathname !== "/mcp") return new Response("not found", { status: 404 });
    if (!expectedAuthorization.has(request.headers.get("authorization") ?? "")) {
      return new Response("unauthorized", { status: 401 });
    }
    const mcp = buildServer();
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await mcp.connect(transport);
    return transport.handleRequest(request);
  },
});
process.stdout.write(`${JSON.stringify({ event: "server_started", port: server.port })}\n`);
process.on("SIGTERM", () => {
  void server.stop().then(async () => {
    await storage.close();
    process.exit(0);
  });
});
