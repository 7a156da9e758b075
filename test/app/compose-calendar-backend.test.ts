import { afterAll, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { MemoryLogger } from "../../src/adapters/logging/logger.ts";
import { generateEncryptionKey } from "../../src/adapters/vault/encryption-keys.ts";
import { composeServer } from "../../src/app/compose.ts";
import { loadConfig } from "../../src/app/config.ts";
import { parseCustomerId } from "../../src/domain/customer-id.ts";
import { parseTimeInput } from "../../src/domain/event-times.ts";
import { data, eventOutput, inputRequired, McpStub } from "../adapters/google-mcp/mcp-stub-server.ts";

const mcp = new McpStub();
let restRequests = 0;
const rest = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: () => {
    restRequests += 1;
    return Response.json(
      { error: { code: 500, message: "the REST API must not be called" } },
      { status: 500 },
    );
  },
});
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "backend-"));

afterAll(() => {
  mcp.stop();
  rest.stop(true);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("GOOGLE_CALENDAR_BACKEND=mcp", () => {
  test("every calendar service goes to the MCP server, none to the REST API; /metrics counts per tool", async () => {
    const logger = new MemoryLogger();
    const config = loadConfig({
      CALENDAR_SERVER_API_KEYS: "composed-api-key-0123456789",
      TOKEN_DB_PATH: path.join(dir, "tokens.db"),
      TOKEN_ENCRYPTION_KEY: generateEncryptionKey(),
      GOOGLE_CALENDAR_BACKEND: "mcp",
      GOOGLE_CALENDAR_MCP_URL: mcp.url,
      GOOGLE_CALENDAR_API_URL: `http://127.0.0.1:${rest.port}/`,
      GOOGLE_DAILY_REQUEST_BUDGET: "4",
      GOOGLE_DAILY_REQUEST_BUDGET_WARN_RATIO: "0.5",
    });
    const composed = await composeServer(config, { logger });
    try {
      const customer = parseCustomerId("ana");
      const now = new Date();
      await composed.storage.vault.put({
        customerId: customer,
        email: "ana@example.com",
        tokens: {
          accessToken: "ya29.ana",
          refreshToken: "1//refresh",
          expiresAt: new Date(now.getTime() + 3_600_000),
          scopes: config.google.scopes,
        },
        state: { kind: "connected" },
        connectedAt: now,
        updatedAt: now,
        oauthClientId: null,
      });
      mcp.always(
        "list_calendars",
        data({ calendars: [{ id: "ana@example.com", summary: "Ana", timeZone: "UTC" }] }),
      );
      mcp.always("list_events", data({ timeZone: "UTC", events: [] }));
      mcp.always("get_event", data(eventOutput()));
      mcp.always("delete_event", data({}));
      const { services } = composed;

      const calendars = await services.listCalendars.execute(customer);
      expect(JSON.stringify(calendars)).toContain("ana@example.com");
      await services.checkAvailability.execute(customer, {
        timeMin: parseTimeInput("timeMin", "2026-03-10T00:00:00Z"),
        timeMax: parseTimeInput("timeMax", "2026-03-11T00:00:00Z"),
      });
      await services.getEvent.execute(customer, { eventId: "evt1" });
      await services.cancelBooking.execute(customer, { eventId: "evt1" });

      expect(restRequests).toBe(0);
      expect(mcp.calls.length).toBeGreaterThanOrEqual(4);
      expect(mcp.calls.every((c) => c.authorization === "Bearer ya29.ana")).toBe(true);
      const metrics = composed.metrics.render();
      expect(metrics).toContain(
        'mcp_calendar_google_requests_total{backend="mcp",operation="list_calendars"}',
      );
      expect(metrics).toContain('mcp_calendar_google_requests_total{backend="mcp",operation="get_event"}');
      expect(metrics).not.toContain('backend="rest"');
      // Past 2 requests (0.5 of 4): one warning that day, not one per request after it.
      const warnings = logger.lines.filter((line) => line.includes('"google_request_budget"'));
      expect(warnings).toHaveLength(1);

      // Google asks to approve the deletion: the service surfaces approval_required.
      mcp.once("delete_event", inputRequired("Delete?"));
      const error = await services.cancelBooking
        .execute(customer, { eventId: "evt1" })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "approval_required", details: { message: "Delete?" } });
      expect(restRequests).toBe(0);
    } finally {
      await composed.close();
    }
  });
});
