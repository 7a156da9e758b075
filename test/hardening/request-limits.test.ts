import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { exceedsJsonDepth, MAX_JSON_DEPTH } from "../../src/adapters/shared/json-depth.ts";
import { E2E_API_KEY, type Stack, startStack } from "../e2e/e2e-fixtures.ts";
import { connect, outcomeOf, postTool, tool } from "./mcp-calls.ts";

const OTHER_KEY = "second-api-key-0123456789abcdef";
const BATCH_KEY = "third-api-key-0123456789abcdef";
const PER_CUSTOMER = 5;
const PER_API_KEY = 30;

function nested(levels: number, inner = "1"): string {
  return `${"[".repeat(levels)}${inner}${"]".repeat(levels)}`;
}

describe("exceedsJsonDepth", () => {
  test("counts arrays and objects, not brackets inside strings", () => {
    expect(exceedsJsonDepth(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(exceedsJsonDepth(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(exceedsJsonDepth(`{"a":${nested(MAX_JSON_DEPTH - 1)}}`)).toBe(false);
    expect(exceedsJsonDepth(`["${"[".repeat(10_000)}"]`)).toBe(false);
    expect(exceedsJsonDepth(`["\\"${"{".repeat(100)}"]`)).toBe(false);
    expect(exceedsJsonDepth(`[${"[]".repeat(10_000)}]`)).toBe(false);
    // 100,000 levels: one pass, no recursion to overflow.
    expect(exceedsJsonDepth(nested(100_000))).toBe(true);
  });
});

describe("limits of the real server", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack("sqlite", {
      CALENDAR_SERVER_API_KEYS: `${E2E_API_KEY},${OTHER_KEY},${BATCH_KEY}`,
      CALENDAR_SERVER_RATE_LIMIT_PER_CUSTOMER: String(PER_CUSTOMER),
      CALENDAR_SERVER_RATE_LIMIT_PER_API_KEY: String(PER_API_KEY),
    });
    await connect(stack, "limited-user");
  });
  afterAll(async () => {
    await stack.stop();
  });

  test("per customer: over budget is a rate_limited tool result with retry_after_seconds; others unaffected", async () => {
    // connect() spent one call of limited-user's budget (connect_calendar).
    const outcomes: string[] = [];
    for (let i = 0; i < PER_CUSTOMER; i += 1) {
      outcomes.push(outcomeOf(await tool(stack, "calendar_status", { customer_id: "limited-user" })));
    }
    expect(outcomes).toEqual([...Array(PER_CUSTOMER - 1).fill("ok"), "rate_limited"]);
    const googleCalls = stack.emulator.state.counters.calendarCalls.get("calendarList.list") ?? 0;
    const refused = await tool(stack, "list_calendars", { customer_id: "limited-user" });
    // Refused before anything ran: Google never saw the call.
    expect(stack.emulator.state.counters.calendarCalls.get("calendarList.list") ?? 0).toBe(googleCalls);
    expect(refused.isError).toBe(true);
    const error = refused.structuredContent?.error;
    expect(error?.code).toBe("rate_limited");
    expect(error?.retry_after_seconds).toBeGreaterThanOrEqual(1);
    expect(error?.retry_after_seconds).toBeLessThanOrEqual(60 / PER_CUSTOMER);
    expect(refused.content?.[0]?.text).toContain("Retry after");
    expect(outcomeOf(await tool(stack, "calendar_status", { customer_id: "someone-else" }))).toBe("ok");
  });

  test("per API key: over budget is HTTP 429 with Retry-After and a JSON-RPC error; the other key is unaffected", async () => {
    let last: Response | null = null;
    for (let i = 0; i < PER_API_KEY + 1; i += 1) {
      last = await postTool(stack, "calendar_status", { customer_id: `walker-${i}` });
      if (last.status === 429) break;
    }
    if (last === null) throw new Error("no request made");
    expect(last.status).toBe(429);
    const seconds = Number(last.headers.get("retry-after"));
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(await last.json()).toMatchObject({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32000, data: { code: "rate_limited", retry_after_seconds: seconds } },
    });
    const other = await postTool(
      stack,
      "calendar_status",
      { customer_id: "walker-x" },
      { authorization: `Bearer ${OTHER_KEY}` },
    );
    expect(other.status).toBe(200);
    // The HTTP endpoints are not counted against it.
    expect((await stack.call("/oauth/status/limited-user")).status).toBe(200);
  });

  test("per API key: each message of a JSON-RPC batch counts, not the HTTP request", async () => {
    const withKey = { authorization: `Bearer ${BATCH_KEY}` };
    const batch = (size: number, from: number): string =>
      JSON.stringify(
        Array.from({ length: size }, (_, index) => ({
          jsonrpc: "2.0",
          id: index + 1,
          method: "tools/call",
          // A customer each: the per-customer budget (5) must not be what refuses them.
          params: { name: "calendar_status", arguments: { customer_id: `batcher-${from + index}` } },
        })),
      );
    const first = await stack.call("/mcp", { method: "POST", headers: withKey, body: batch(20, 0) });
    expect(first.status).toBe(200);
    const answers = (await first.json()) as Array<{ result?: { isError?: boolean } }>;
    expect(answers).toHaveLength(20);
    expect(answers.every((answer) => answer.result !== undefined && answer.result.isError !== true)).toBe(
      true,
    );
    // 20 of 30 spent: a second batch of 20 in the same minute is over budget, and runs nothing.
    const second = await stack.call("/mcp", { method: "POST", headers: withKey, body: batch(20, 20) });
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await second.json()).toMatchObject({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32000, data: { code: "rate_limited" } },
    });
    const ran = stack.logger.lines
      .map((line) => JSON.parse(line) as { event?: string; customer_id?: string })
      .filter((line) => line.event === "mcp_tool_call" && line.customer_id?.startsWith("batcher-"));
    expect(ran).toHaveLength(20);
    // What is left (9 after the refused request's own unit) still serves single calls.
    const single = await postTool(stack, "calendar_status", { customer_id: "batcher-x" }, withKey);
    expect(single.status).toBe(200);
  });

  test("JSON nested deeper than the limit: 400 invalid_request on HTTP, -32600 on /mcp", async () => {
    const withKey = { authorization: `Bearer ${OTHER_KEY}` };
    for (const levels of [MAX_JSON_DEPTH + 1, 10_000]) {
      const http = await stack.call("/oauth/authorize", {
        method: "POST",
        headers: withKey,
        body: `{"customer_id":"u1","x":${nested(levels)}}`,
      });
      expect(http.status).toBe(400);
      expect(await http.json()).toMatchObject({ error: { code: "invalid_request" } });
      const arguments_ = `{"customer_id":"limited-user","x":${nested(levels)}}`;
      const mcp = await stack.call("/mcp", {
        method: "POST",
        headers: withKey,
        body: `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"calendar_status","arguments":${arguments_}}}`,
      });
      expect(mcp.status).toBe(400);
      expect(await mcp.json()).toMatchObject({ jsonrpc: "2.0", error: { code: -32600 } });
    }
    // At the limit it is read as usual (and refused by the schema, not the depth check).
    const within = await stack.call("/oauth/authorize", {
      method: "POST",
      headers: withKey,
      body: `{"customer_id":${nested(MAX_JSON_DEPTH - 1)}}`,
    });
    expect(await within.json()).toMatchObject({ error: { code: "invalid_customer_id" } });
  });

  test("bodies over the limit: 413 with a JSON error, on HTTP and on /mcp", async () => {
    const huge = JSON.stringify({ customer_id: "u1", padding: "x".repeat(70_000) });
    for (const pathname of ["/oauth/authorize", "/oauth/disconnect", "/mcp"]) {
      const response = await stack.call(pathname, {
        method: "POST",
        headers: { authorization: `Bearer ${OTHER_KEY}` },
        body: huge,
      });
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ error: { code: "payload_too_large" } });
    }
  });
});
