import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { callerOf } from "../../src/adapters/mcp/mcp-caller.ts";
import { callTool, MAX_ANSWER_JSON_BYTES, TEXT_COPY_MAX_BYTES } from "../../src/adapters/mcp/tool-call.ts";
import {
  MAX_EVENTS_PER_PAGE,
  MAX_LISTED_DESCRIPTION_CHARS,
} from "../../src/adapters/mcp/tools/event-list-bounds.ts";
import { mcpWorld } from "../adapters/mcp/mcp-fixtures.ts";
import { type Stack, startStack } from "../e2e/e2e-fixtures.ts";
import { connect, postTool, type ToolResult } from "./mcp-calls.ts";

const CUSTOMER = "long-calendar-user";
const EVENTS = 150;
const DESCRIPTION = `${"x".repeat(8190)}😀`;

interface ListedEvent {
  event_id: string;
  description: string | null;
  description_truncated?: boolean;
}

/** Issue 10 §4: a calendar of many events with 8 KB descriptions, listed as greedily as allowed. */
describe("one tool answer is bounded", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack("sqlite", { CALENDAR_SERVER_RATE_LIMIT_PER_CUSTOMER: "0" });
    await connect(stack, CUSTOMER);
    // Written straight into the calendar at the emulator, as another Google client would.
    const [accessToken] = [...stack.emulator.state.accessTokens.keys()];
    const base = Date.now() + 3_600_000;
    for (let from = 0; from < EVENTS; from += 25) {
      await Promise.all(
        Array.from({ length: 25 }, async (_, offset) => {
          const start = new Date(base + (from + offset) * 3_600_000);
          const response = await fetch(`${stack.emulator.url}/calendar/v3/calendars/primary/events`, {
            method: "POST",
            headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
            body: JSON.stringify({
              summary: `Long ${from + offset}`,
              description: DESCRIPTION,
              start: { dateTime: start.toISOString() },
              end: { dateTime: new Date(start.getTime() + 1_800_000).toISOString() },
            }),
          });
          expect(response.status).toBe(200);
        }),
      );
    }
  }, 60_000);
  afterAll(async () => {
    await stack.stop();
  });

  test("list_events: at most 100 events a page, descriptions cut with a marker, the JSON not repeated in text", async () => {
    const response = await postTool(stack, "list_events", { customer_id: CUSTOMER, max_results: 2500 });
    const body = await response.text();
    expect(response.status).toBe(200);
    expect(Buffer.byteLength(body)).toBeLessThan(MAX_ANSWER_JSON_BYTES);
    const { result } = JSON.parse(body) as { result: ToolResult };
    const page = result.structuredContent as { events: ListedEvent[]; next_page_token: string | null };
    expect(page.events).toHaveLength(MAX_EVENTS_PER_PAGE);
    expect(page.next_page_token).not.toBeNull();
    for (const event of page.events) {
      expect(event.description_truncated).toBe(true);
      expect(event.description?.startsWith("x".repeat(MAX_LISTED_DESCRIPTION_CHARS))).toBe(true);
      expect(event.description?.length).toBeLessThan(MAX_LISTED_DESCRIPTION_CHARS + 80);
      expect(event.description).toContain("get_event");
    }
    // The text is the summary and a pointer, not a second copy of the page.
    const text = result.content?.[0]?.text ?? "";
    expect(text).toContain("structuredContent");
    expect(text.length).toBeLessThan(1024);

    // The next page carries the rest.
    const next = await postTool(stack, "list_events", {
      customer_id: CUSTOMER,
      page_token: page.next_page_token,
    });
    const rest = ((await next.json()) as { result: ToolResult }).result.structuredContent as {
      events: ListedEvent[];
    };
    expect(rest.events).toHaveLength(EVENTS - MAX_EVENTS_PER_PAGE);
  });

  test("get_event gives the full description; a small answer keeps its JSON in the text", async () => {
    const listed = await postTool(stack, "list_events", { customer_id: CUSTOMER, max_results: 1 });
    const { result } = (await listed.json()) as { result: ToolResult };
    const [first] = (result.structuredContent as { events: ListedEvent[] }).events;
    // One event: small enough to be repeated in the text, as the MCP spec recommends.
    expect(Buffer.byteLength(JSON.stringify(result.structuredContent))).toBeLessThan(TEXT_COPY_MAX_BYTES);
    expect(result.content?.[0]?.text).toContain(JSON.stringify(result.structuredContent));
    const full = await postTool(stack, "get_event", { customer_id: CUSTOMER, event_id: first?.event_id });
    const event = ((await full.json()) as { result: ToolResult }).result
      .structuredContent as unknown as ListedEvent;
    expect(event.description).toBe(DESCRIPTION);
    expect(event.description_truncated).toBeUndefined();
  });
});

describe("the backstop on any answer", () => {
  test("an answer over the limit is an invalid_argument asking for less, not megabytes", async () => {
    const world = await mcpWorld();
    const listCalendars = world.services.listCalendars;
    const huge = Object.create(listCalendars) as typeof listCalendars;
    // 20,000 calendars with long names: far over the limit, as no tool's own bounds allow.
    huge.execute = async () => ({
      calendars: Array.from({ length: 20_000 }, (_, index) => ({
        id: `calendar-${index}@group.calendar.google.com`,
        summary: "n".repeat(100),
        timeZone: "Europe/Madrid",
        primary: index === 0,
        accessRole: "reader" as const,
      })),
    });
    const caller = callerOf(undefined, null, null);
    if (caller === null) throw new Error("no caller");
    const result = await callTool(
      { name: "list_calendars", arguments: { customer_id: "user-123" } },
      { ...world.deps, services: { ...world.services, listCalendars: huge } },
      caller,
    );
    expect(result.isError).toBe(true);
    const error = (result.structuredContent as { error: { code: string; message: string } }).error;
    expect(error.code).toBe("invalid_argument");
    expect(error.message).toContain("over the");
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThan(4096);
  });
});
