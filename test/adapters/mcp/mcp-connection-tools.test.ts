import { describe, expect, test } from "bun:test";
import { parseCustomerId } from "../../../src/domain/customer-id.ts";
import { CUSTOMER } from "../../domain/calendar-fixtures.ts";
import { connectedClient, dataOf, errorOf, mcpWorld, textOf } from "./mcp-fixtures.ts";

const TOOL_NAMES = [
  "connect_calendar",
  "calendar_status",
  "disconnect_calendar",
  "current_time",
  "list_calendars",
  "list_events",
  "get_event",
  "check_availability",
  "find_available_slots",
  "create_booking",
  "update_booking",
  "cancel_booking",
  "respond_to_invitation",
];

describe("tools/list", () => {
  test("offers the thirteen tools, each with described inputs, an output schema and annotations", async () => {
    const { deps } = await mcpWorld();
    const { tools } = await (await connectedClient(deps)).listTools();
    expect(tools.map((tool) => tool.name)).toEqual(TOOL_NAMES);
    for (const tool of tools) {
      expect(tool.inputSchema.required).toContain("customer_id");
      for (const [name, property] of Object.entries(tool.inputSchema.properties ?? {})) {
        expect({
          tool: tool.name,
          name,
          described: typeof (property as { description?: unknown }).description,
        }).toEqual({ tool: tool.name, name, described: "string" });
      }
      // Success shape or error envelope, so strict clients accept our error results too.
      expect(tool.outputSchema?.type).toBe("object");
      expect((tool.outputSchema as { anyOf?: unknown[] }).anyOf).toHaveLength(2);
      expect(tool.annotations?.readOnlyHint).toBeBoolean();
      expect(tool.annotations?.destructiveHint).toBeBoolean();
      expect(tool.annotations?.idempotentHint).toBeBoolean();
      expect(tool.annotations?.openWorldHint).toBeBoolean();
    }
  });

  test("annotations say which tools only read and which destroy", async () => {
    const { deps } = await mcpWorld();
    const { tools } = await (await connectedClient(deps)).listTools();
    const hints = Object.fromEntries(tools.map((tool) => [tool.name, tool.annotations]));
    for (const name of [
      "calendar_status",
      "current_time",
      "list_calendars",
      "list_events",
      "get_event",
      "check_availability",
    ]) {
      expect(hints[name]?.readOnlyHint).toBe(true);
    }
    expect(hints.create_booking).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
    });
    expect(hints.cancel_booking).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: true,
    });
    expect(hints.disconnect_calendar).toMatchObject({ destructiveHint: true, openWorldHint: true });
    expect(hints.calendar_status?.openWorldHint).toBe(false);
  });
});

describe("connect_calendar", () => {
  test("answers a consent link bound to the customer, valid ten minutes", async () => {
    const world = await mcpWorld();
    const client = await connectedClient(world.deps);
    const result = await client.callTool({
      name: "connect_calendar",
      arguments: { customer_id: "user-456" },
    });
    const data = dataOf(result);
    expect(data.customer_id).toBe("user-456");
    expect(data.expires_at).toBe("2026-01-15T10:10:00.000Z");
    const state = new URL(String(data.authorization_url)).searchParams.get("state") ?? "";
    expect((await world.pending.take(state))?.customerId).toBe(parseCustomerId("user-456"));
    expect(textOf(result)).toContain(String(data.authorization_url));
  });
});

describe("calendar_status", () => {
  test("reports a connected customer with the HTTP endpoint's field names", async () => {
    const { deps } = await mcpWorld();
    const client = await connectedClient(deps);
    const data = dataOf(
      await client.callTool({ name: "calendar_status", arguments: { customer_id: CUSTOMER } }),
    );
    expect(data).toEqual({
      connected: true,
      customer_id: "user-123",
      calendar_email: "user-123@gmail.com",
      expires_at: "2026-01-15T11:00:00.000Z",
      scopes: ["openid", "email"],
      reason: null,
      connected_at: "2026-01-15T10:00:00.000Z",
    });
  });

  test("reports an unknown customer as not connected, without failing", async () => {
    const { deps } = await mcpWorld();
    const client = await connectedClient(deps);
    const data = dataOf(
      await client.callTool({ name: "calendar_status", arguments: { customer_id: "user-999" } }),
    );
    expect(data).toMatchObject({ connected: false, customer_id: "user-999", reason: "not_connected" });
  });
});

describe("disconnect_calendar", () => {
  test("revokes at Google and forgets the customer", async () => {
    const world = await mcpWorld();
    const client = await connectedClient(world.deps);
    const data = dataOf(
      await client.callTool({ name: "disconnect_calendar", arguments: { customer_id: CUSTOMER } }),
    );
    expect(data).toEqual({ success: true, customer_id: "user-123", revoked: true, was_connected: true });
    expect(await world.vault.get(CUSTOMER)).toBeNull();
    const again = dataOf(
      await client.callTool({ name: "disconnect_calendar", arguments: { customer_id: CUSTOMER } }),
    );
    expect(again.was_connected).toBe(false);
  });
});

describe("errors a model can act on", () => {
  test("a customer without a calendar gets calendar_not_connected with a fresh consent link", async () => {
    const world = await mcpWorld();
    const client = await connectedClient(world.deps);
    const result = await client.callTool({ name: "list_events", arguments: { customer_id: "user-456" } });
    const error = errorOf(result);
    expect(error.code).toBe("calendar_not_connected");
    const state = new URL(String(error.authorization_url)).searchParams.get("state") ?? "";
    expect((await world.pending.take(state))?.customerId).toBe(parseCustomerId("user-456"));
    expect(error.expires_at).toBe("2026-01-15T10:10:00.000Z");
    // Clients that show models only the text still carry the link.
    expect(textOf(result)).toContain(String(error.authorization_url));
  });

  test("a revoked grant gets reauthorization_required with a consent link", async () => {
    const world = await mcpWorld();
    const stored = await world.vault.get(CUSTOMER);
    if (stored === null) throw new Error("fixture not connected");
    await world.vault.put({
      ...stored,
      state: { kind: "reauthorization_required", reason: "revoked", since: new Date() },
    });
    const client = await connectedClient(world.deps);
    const error = errorOf(
      await client.callTool({ name: "list_calendars", arguments: { customer_id: CUSTOMER } }),
    );
    expect(error.code).toBe("reauthorization_required");
    expect(String(error.authorization_url)).toStartWith("https://accounts.example.test/auth?state=");
  });

  test("a malformed customer_id is a tool error the model can correct, with no link", async () => {
    const { deps } = await mcpWorld();
    const client = await connectedClient(deps);
    const error = errorOf(
      await client.callTool({ name: "list_events", arguments: { customer_id: "user 123" } }),
    );
    expect(error.code).toBe("invalid_customer_id");
    expect(error.authorization_url).toBeUndefined();
  });

  test("a server bound to one customer refuses to act for another", async () => {
    const world = await mcpWorld();
    const caller = { customerId: CUSTOMER, apiKeyId: null, requestId: null };
    const client = await connectedClient(world.deps, caller);
    const error = errorOf(
      await client.callTool({ name: "list_calendars", arguments: { customer_id: "user-456" } }),
    );
    expect(error.code).toBe("customer_mismatch");
    expect(world.calendar.callCount()).toBe(0);
  });
});

describe("logging and metrics", () => {
  test("one line per tool call with tool, customer, outcome and duration, and no argument values", async () => {
    const world = await mcpWorld();
    const client = await connectedClient(world.deps);
    await client.callTool({
      name: "create_booking",
      arguments: {
        customer_id: CUSTOMER,
        summary: "Therapy session",
        start: "2026-01-20T10:00",
        end: "2026-01-20T11:00",
      },
    });
    await client.callTool({ name: "calendar_status", arguments: { customer_id: "user-456" } });
    await client.callTool({ name: "list_events", arguments: { customer_id: "user-456" } });
    const lines = world.logger.lines
      .map((line) => JSON.parse(line))
      .filter((line) => line.event === "mcp_tool_call");
    expect(lines.map((line) => [line.tool, line.customer_id, line.outcome])).toEqual([
      ["create_booking", "user-123", "ok"],
      ["calendar_status", "user-456", "ok"],
      ["list_events", "user-456", "calendar_not_connected"],
    ]);
    for (const line of lines) expect(line.duration_ms).toBeNumber();
    expect(world.logger.lines.join("\n")).not.toContain("Therapy");
    expect(world.toolCalls).toEqual([
      { tool: "create_booking", outcome: "ok" },
      { tool: "calendar_status", outcome: "ok" },
      { tool: "list_events", outcome: "calendar_not_connected" },
    ]);
  });
});
