import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { STREAMED_BODY_BYTES } from "../../src/adapters/shared/unfragmented-body.ts";
import { consent, E2E_API_KEY, type Stack, startStack } from "./e2e-fixtures.ts";

interface ToolResult {
  isError?: boolean;
  structuredContent?: Record<string, unknown> & { error?: Record<string, unknown> };
}

/** The seed's call: a bare JSON-RPC tools/call, as Python's httpx sends it (Accept: any). */
async function callTool(
  stack: Stack,
  name: string,
  args: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  body: { result?: ToolResult; error?: { code: number; message: string; data?: unknown } };
}> {
  const response = await stack.call("/mcp", {
    method: "POST",
    headers: { accept: "*/*", ...headers },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: args } }),
  });
  return { status: response.status, body: (await response.json()) as never };
}

async function tool(stack: Stack, name: string, args: Record<string, unknown>): Promise<ToolResult> {
  const { status, body } = await callTool(stack, name, args);
  expect(status).toBe(200);
  if (body.result === undefined) throw new Error(`JSON-RPC error: ${JSON.stringify(body.error)}`);
  return body.result;
}

async function connect(stack: Stack, customerId: string): Promise<void> {
  const started = await tool(stack, "connect_calendar", { customer_id: customerId });
  const url = started.structuredContent?.authorization_url;
  expect(typeof url).toBe("string");
  expect((await consent(String(url))).status).toBe(200);
}

/** A weekday at 10:00 Madrid time, two weeks out, so the slot is in the future and in working hours. */
function nextWeekday(daysAhead: number): string {
  const day = new Date(Date.now() + daysAhead * 86_400_000);
  while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

describe("MCP booking end to end, real server against the Google emulator", () => {
  let stack: Stack;
  const date = nextWeekday(14);

  beforeAll(async () => {
    stack = await startStack("sqlite");
    await connect(stack, "user-123");
  });
  afterAll(async () => {
    await stack.stop();
  });

  test("calendar_status through /mcp reports connected", async () => {
    const status = await tool(stack, "calendar_status", { customer_id: "user-123" });
    expect(status.structuredContent).toMatchObject({
      connected: true,
      customer_id: "user-123",
      calendar_email: "ana.garcia@example.com",
    });
  });

  test("create_booking, idempotent replay, conflict refusal", async () => {
    const args = {
      customer_id: "user-123",
      summary: "Dentist",
      start: `${date}T10:00:00`,
      end: `${date}T10:30:00`,
      time_zone: "Europe/Madrid",
      idempotency_key: "msg-42",
    };
    const calls = stack.emulator.state.counters.calendarCalls;
    const before = [...calls.values()].reduce((a, b) => a + b, 0);
    const first = await tool(stack, "create_booking", args);
    expect(first.isError).toBeFalsy();
    expect(first.structuredContent).toMatchObject({ created: true, status: "confirmed" });
    const eventId = first.structuredContent?.event_id;
    const googleCalls = [...calls.values()].reduce((a, b) => a + b, 0) - before;
    expect(googleCalls).toBeLessThanOrEqual(2);

    const replay = await tool(stack, "create_booking", args);
    expect(replay.structuredContent).toMatchObject({ created: false, event_id: eventId });

    const clash = await tool(stack, "create_booking", {
      ...args,
      idempotency_key: "msg-43",
      summary: "Other",
    });
    expect(clash.isError).toBe(true);
    expect(clash.structuredContent?.error).toMatchObject({ code: "time_conflict" });

    const listed = await tool(stack, "list_events", {
      customer_id: "user-123",
      time_min: `${date}T00:00:00Z`,
      time_max: `${date}T23:59:59Z`,
    });
    const events = listed.structuredContent?.events as Array<{ event_id: string }>;
    expect(events.filter((event) => event.event_id === eventId)).toHaveLength(1);
    expect(events).toHaveLength(1);
  });

  test("find_available_slots skips the booked half hour", async () => {
    const slots = await tool(stack, "find_available_slots", {
      customer_id: "user-123",
      time_min: `${date}T09:00:00+01:00`,
      time_max: `${date}T12:00:00+01:00`,
      duration_minutes: 30,
      time_zone: "Europe/Madrid",
    });
    expect(slots.isError).toBeFalsy();
    const found = slots.structuredContent?.slots as Array<{ start: string; end: string }>;
    expect(found.length).toBeGreaterThan(0);
    const booked = { start: Date.parse(`${date}T09:00:00Z`), end: Date.parse(`${date}T09:30:00Z`) };
    for (const slot of found) {
      const overlaps = Date.parse(slot.start) < booked.end && Date.parse(slot.end) > booked.start;
      expect(overlaps).toBe(false);
    }
  });

  test("update_booking reschedules, cancel_booking cancels", async () => {
    const made = await tool(stack, "create_booking", {
      customer_id: "user-123",
      summary: "Standup",
      start: `${date}T15:00:00+01:00`,
      end: `${date}T15:15:00+01:00`,
    });
    const eventId = made.structuredContent?.event_id;
    const moved = await tool(stack, "update_booking", {
      customer_id: "user-123",
      event_id: eventId,
      start: `${date}T16:00:00+01:00`,
      end: `${date}T16:30:00+01:00`,
    });
    expect(moved.isError).toBeFalsy();
    const event = await tool(stack, "get_event", { customer_id: "user-123", event_id: eventId });
    const start = event.structuredContent?.start as { date_time: string } | undefined;
    expect(Date.parse(String(start?.date_time))).toBe(Date.parse(`${date}T16:00:00+01:00`));
    const cancelled = await tool(stack, "cancel_booking", { customer_id: "user-123", event_id: eventId });
    expect(cancelled.structuredContent).toMatchObject({ status: "cancelled" });
    const again = await tool(stack, "cancel_booking", { customer_id: "user-123", event_id: eventId });
    expect(again.structuredContent?.error).toMatchObject({ code: "not_found" });
  });

  test("the token expires during a burst of 50 concurrent calls: exactly one refresh", async () => {
    const refreshesBefore = stack.emulator.state.counters.refreshes;
    stack.clock.advance(3600 * 1000);
    stack.emulator.state.expireAccessTokens();
    const results = await Promise.all(
      Array.from({ length: 50 }, () => tool(stack, "list_calendars", { customer_id: "user-123" })),
    );
    expect(results.every((result) => !result.isError)).toBe(true);
    expect(stack.emulator.state.counters.refreshes - refreshesBefore).toBe(1);
  });

  test("an unconnected customer gets calendar_not_connected with a link", async () => {
    const result = await tool(stack, "list_events", { customer_id: "stranger-1" });
    expect(result.isError).toBe(true);
    expect(result.structuredContent?.error).toMatchObject({ code: "calendar_not_connected" });
    expect(String(result.structuredContent?.error?.authorization_url)).toStartWith(stack.emulator.url);
  });

  test("a customer_id that contradicts X-Customer-Id is refused as a protocol error", async () => {
    const { status, body } = await callTool(
      stack,
      "list_events",
      { customer_id: "user-123" },
      { "x-customer-id": "user-999" },
    );
    expect(status).toBe(200);
    expect(body.result).toBeUndefined();
    expect(body.error).toMatchObject({ data: { code: "customer_mismatch" } });
  });

  test("a weekly booking whose third week is taken is refused; without that week it books all three", async () => {
    const first = nextWeekday(70);
    const third = new Date(Date.parse(`${first}T00:00:00Z`) + 14 * 86_400_000).toISOString().slice(0, 10);
    const taken = await tool(stack, "create_booking", {
      customer_id: "user-123",
      summary: "Already there",
      start: `${third}T16:15:00`,
      end: `${third}T16:45:00`,
      time_zone: "Europe/Madrid",
    });
    expect(taken.isError).toBeFalsy();
    const weekly = {
      customer_id: "user-123",
      summary: "Weekly 1:1",
      start: `${first}T16:00:00`,
      end: `${first}T16:30:00`,
      time_zone: "Europe/Madrid",
      recurrence: ["RRULE:FREQ=WEEKLY;COUNT=4"],
    };
    const refused = await tool(stack, "create_booking", weekly);
    expect(refused.isError).toBe(true);
    expect(refused.structuredContent?.error).toMatchObject({
      code: "time_conflict",
      conflicts: [{ start: expect.stringContaining(`${third}T16:15:00`) }],
    });

    const booked = await tool(stack, "create_booking", {
      ...weekly,
      recurrence: [
        "RRULE:FREQ=WEEKLY;COUNT=4",
        `EXDATE;TZID=Europe/Madrid:${third.replaceAll("-", "")}T160000`,
      ],
    });
    expect(booked.isError).toBeFalsy();
    expect(booked.structuredContent?.occurrences_checked).toEqual({ count: 3, all: true });
  });

  test("a large list_events answer arrives whole, streamed so Bun sends it unfragmented; a small one keeps its length", async () => {
    const day = nextWeekday(21);
    for (let hour = 6; hour < 20; hour += 1) {
      const made = await tool(stack, "create_booking", {
        customer_id: "user-123",
        summary: `Slot ${hour}`,
        description: "Agenda: ".padEnd(300, "x"),
        start: `${day}T${String(hour).padStart(2, "0")}:00:00Z`,
        end: `${day}T${String(hour).padStart(2, "0")}:30:00Z`,
      });
      expect(made.isError).toBeFalsy();
    }
    const response = await stack.call("/mcp", {
      method: "POST",
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 7,
        method: "tools/call",
        params: {
          name: "list_events",
          arguments: { customer_id: "user-123", time_min: `${day}T00:00:00Z`, time_max: `${day}T23:59:59Z` },
        },
      }),
    });
    const text = await response.text();
    expect(new TextEncoder().encode(text).byteLength).toBeGreaterThan(STREAMED_BODY_BYTES);
    expect(response.status).toBe(200);
    expect(response.headers.get("transfer-encoding")).toBe("chunked");
    expect(response.headers.get("content-type")).toBe("application/json");
    // The headers the rest of the app adds are all there on a streamed answer too.
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-request-id")).not.toBeNull();
    const body = JSON.parse(text) as { id: number; result: ToolResult };
    expect(body.id).toBe(7);
    const events = body.result.structuredContent?.events as Array<{ summary: string }>;
    expect(events.map((event) => event.summary)).toEqual(
      Array.from({ length: 14 }, (_, index) => `Slot ${index + 6}`),
    );

    const small = await stack.call("/mcp", {
      method: "POST",
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 8,
        method: "tools/call",
        params: { name: "calendar_status", arguments: { customer_id: "user-123" } },
      }),
    });
    const smallText = await small.text();
    expect(small.headers.get("content-length")).toBe(String(new TextEncoder().encode(smallText).byteLength));
    expect(small.headers.get("transfer-encoding")).toBeNull();
  });

  test("the official SDK client works over real HTTP", async () => {
    const client = new Client({ name: "e2e", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(new URL(`${stack.server.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${E2E_API_KEY}` } },
    });
    await client.connect(transport);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      "calendar_status",
      "cancel_booking",
      "check_availability",
      "connect_calendar",
      "create_booking",
      "current_time",
      "disconnect_calendar",
      "find_available_slots",
      "get_event",
      "list_calendars",
      "list_events",
      "respond_to_invitation",
      "update_booking",
    ]);
    const result = await client.callTool({
      name: "check_availability",
      arguments: {
        customer_id: "user-123",
        time_min: `${date}T00:00:00Z`,
        time_max: `${date}T23:59:59Z`,
      },
    });
    expect(result.structuredContent).toMatchObject({ calendars: [{ calendar_id: "primary" }] });
    expect(result.isError).toBeFalsy();
    await client.close();
  });
  // Last: revoking the grant revokes every connection made with the same Google account.
  test("a revoked grant gives reauthorization_required with a link", async () => {
    await connect(stack, "user-revoked");
    await fetch(`${stack.emulator.url}/__emulator/revoke-grants`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "ana.garcia@example.com" }),
    });
    stack.clock.advance(3600 * 1000);
    const result = await tool(stack, "list_calendars", { customer_id: "user-revoked" });
    expect(result.isError).toBe(true);
    expect(result.structuredContent?.error).toMatchObject({ code: "reauthorization_required" });
    expect(String(result.structuredContent?.error?.authorization_url)).toContain("code_challenge=");
    // Reconnecting heals it.
    await connect(stack, "user-revoked");
    const healed = await tool(stack, "calendar_status", { customer_id: "user-revoked" });
    expect(healed.structuredContent).toMatchObject({ connected: true });
  });
});
