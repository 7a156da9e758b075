import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { consent, E2E_API_KEY, type Stack, startStack } from "./e2e-fixtures.ts";

/**
 * What a model reads, through the official SDK client against the real server and the Google
 * emulator: tool descriptions and schemas, and error messages it can act on.
 */

interface Answer {
  isError?: boolean;
  content: { type: string; text: string }[];
  structuredContent?: Record<string, unknown> & { error?: Record<string, unknown> & { message: string } };
}

const CUSTOMER = "model-words";
/** Three weeks out, at a fixed hour: always in the future. */
const DAY = new Date(Date.now() + 21 * 86_400_000).toISOString().slice(0, 10);

describe("what the model reads, through the official SDK client", () => {
  let stack: Stack;
  let client: Client;
  const call = async (name: string, args: Record<string, unknown>): Promise<Answer> =>
    (await client.callTool({ name, arguments: { customer_id: CUSTOMER, ...args } })) as Answer;
  const errorOf = async (name: string, args: Record<string, unknown>) => {
    const answer = await call(name, args);
    expect(answer.isError).toBe(true);
    const error = answer.structuredContent?.error;
    if (error === undefined) throw new Error("no error envelope");
    return error;
  };

  beforeAll(async () => {
    stack = await startStack("sqlite");
    client = new Client({ name: "model-words", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${stack.server.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${E2E_API_KEY}` } },
      }),
    );
    const started = await call("connect_calendar", {});
    expect((await consent(String(started.structuredContent?.authorization_url))).status).toBe(200);
  });
  afterAll(async () => {
    await client?.close();
    await stack?.stop();
  });

  test("tools/list: current_time, allow_past, real integer bounds, no unknown arguments", async () => {
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    const now = byName.get("current_time");
    expect(now?.annotations?.readOnlyHint).toBe(true);
    expect(now?.description).toContain("one Google request");
    const book = byName.get("create_booking")?.inputSchema as { properties: Record<string, unknown> };
    expect(Object.keys(book.properties)).toContain("allow_past");
    const slots = byName.get("find_available_slots")?.inputSchema as {
      properties: Record<string, { minimum?: number; maximum?: number }>;
    };
    expect(slots.properties.duration_minutes).toMatchObject({ minimum: 5, maximum: 1440 });
    expect(slots.properties.max_results).toMatchObject({ minimum: 1, maximum: 100 });
    expect(JSON.stringify(tools)).not.toContain("9007199254740991");
    for (const tool of tools) expect(tool.inputSchema.additionalProperties).toBe(false);
  });

  test("current_time answers now in the calendar's zone", async () => {
    const answer = await call("current_time", {});
    expect(answer.structuredContent).toMatchObject({
      time_zone: "Europe/Madrid",
      time_zone_source: "calendar",
    });
    expect(answer.content[0]?.text).toMatch(/^It is \w+day \d{4}-\d{2}-\d{2} \d{2}:\d{2} in Europe\/Madrid/);
  });

  test("misspelt arguments are refused, naming the argument meant", async () => {
    const listed = await errorOf("list_events", { timezone: "Europe/Madrid", start_date: `${DAY}T00:00` });
    expect(listed.code).toBe("invalid_argument");
    expect(listed.message).toContain("timezone is not an argument of this tool; did you mean time_zone?");
    expect(listed.message).toContain("start_date is not an argument of this tool; did you mean time_min?");
    // Said once in the text: the JSON after it carries the facts, not the same sentences again.
    const text = (await call("list_events", { timezone: "Europe/Madrid" })).content[0]?.text ?? "";
    expect(text.split("did you mean time_zone?")).toHaveLength(2);
    expect(text).toContain('"code":"invalid_argument"');
    const nested = await errorOf("find_available_slots", {
      time_min: DAY,
      time_max: DAY,
      duration_minutes: 30,
      working_hours: { start: "09:00", dayz: [1] },
    });
    expect(nested.message).toContain("working_hours does not take dayz");
    const moved = await errorOf("update_booking", { event_id: "x", new_start: `${DAY}T18:00` });
    expect(moved.message).toContain("did you mean start?");
  });

  test("a date in the past is refused with today's date in the calendar's zone; allow_past books it", async () => {
    const past = { summary: "Haircut", start: "2025-03-10T17:00", end: "2025-03-10T18:00" };
    const error = await errorOf("create_booking", past);
    expect(error.code).toBe("invalid_argument");
    expect(error.message).toMatch(
      /^start 2025-03-10 17:00 is in the past: it is now \w+day \d{4}-\d{2}-\d{2} \d{2}:\d{2} in Europe\/Madrid; /,
    );
    expect(error.message).toContain("allow_past");
    expect((await call("create_booking", { ...past, allow_past: true })).isError).toBeFalsy();
  });

  test("messages are plain: no zod text, no internal names, no doubled prefixes", async () => {
    const missing = await errorOf("create_booking", { start: `${DAY}T10:00`, end: `${DAY}T11:00` });
    expect(missing.message).toBe("Invalid arguments for create_booking: summary is required (a string)");
    const wrong = await errorOf("find_available_slots", {
      time_min: DAY,
      time_max: DAY,
      duration_minutes: 2,
      max_results: 1.5,
    });
    expect(wrong.message).toContain("duration_minutes must be at least 5");
    expect(wrong.message).toContain("max_results must be an integer, not a number with a fraction");
    expect(wrong.message).not.toContain("Invalid input");
    const nothing = await errorOf("update_booking", { event_id: "any" });
    expect(nothing.message).toStartWith("Nothing to change: give at least one of summary, start");
    const gone = await errorOf("get_event", { event_id: "no-such-event" });
    expect(gone.code).toBe("not_found");
    expect(gone.message).not.toContain("events.get");
    expect(gone.message).toContain("event_id");
    const unknownTool = await client.callTool({ name: "no_such_tool", arguments: {} }).catch((e: Error) => e);
    expect((unknownTool as Error).message).toBe("MCP error -32602: Unknown tool: no_such_tool");
  });

  test("a booking in another zone is answered in that zone", async () => {
    const booked = await call("create_booking", {
      summary: "Call New York",
      start: `${DAY}T11:00`,
      end: `${DAY}T11:30`,
      time_zone: "America/New_York",
    });
    const start = (booked.structuredContent?.start ?? {}) as { date_time?: string; time_zone?: string };
    expect(start.time_zone).toBe("America/New_York");
    expect(String(start.date_time)).toMatch(new RegExp(`^${DAY}T11:00:00-0[45]:00$`));
  });
});
