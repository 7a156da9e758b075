import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CLIENT_SECRET, consent, E2E_API_KEY, type Stack, startStack } from "./e2e-fixtures.ts";

/** The value of one sample line, `name{labels} value`, or null when the series is absent. */
function sample(text: string, series: string): number | null {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? null : Number(line.slice(series.length + 1));
}

const REQUESTS = "mcp_calendar_http_requests_total";
const TOOLS = "mcp_calendar_tool_calls_total";
const GOOGLE = "mcp_calendar_google_request_duration_seconds";

describe("GET /metrics on the real server, after real traffic against the Google emulator", () => {
  let stack: Stack;
  let text = "";
  /** Every token Google issued, taken before the disconnect makes the emulator forget them. */
  const issued: string[] = [];

  async function tool(name: string, customerId: string): Promise<void> {
    const response = await stack.call("/mcp", {
      method: "POST",
      headers: { accept: "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name, arguments: { customer_id: customerId } },
      }),
    });
    expect(response.status).toBe(200);
  }

  beforeAll(async () => {
    stack = await startStack("sqlite");
    // Unauthenticated scrapes first: they are counted too.
    expect((await fetch(`${stack.server.url}/metrics`)).status).toBe(401);
    const wrongKey = await fetch(`${stack.server.url}/metrics`, {
      headers: { authorization: "Bearer not-the-key-0123456789" },
    });
    expect(wrongKey.status).toBe(401);

    const authorize = await stack.call("/oauth/authorize", {
      method: "POST",
      body: JSON.stringify({ customer_id: "user-123" }),
    });
    const { authorization_url } = (await authorize.json()) as { authorization_url: string };
    expect((await consent(authorization_url)).status).toBe(200);
    for (const customer of ["user-123", "user-123", "user-456"]) {
      expect((await stack.call(`/oauth/status/${customer}`)).status).toBe(200);
    }
    expect((await stack.call("/no-such-page/user-123")).status).toBe(404);

    await tool("calendar_status", "user-123");
    await tool("list_calendars", "user-123");
    await tool("list_events", "stranger-9");
    // An hour later the access token has expired: the next call refreshes it.
    stack.clock.advance(3600 * 1000);
    stack.emulator.state.expireAccessTokens();
    await tool("list_calendars", "user-123");
    issued.push(...stack.emulator.state.accessTokens.keys(), ...stack.emulator.state.refreshTokens.keys());
    const disconnect = await stack.call("/oauth/disconnect", {
      method: "POST",
      body: JSON.stringify({ customer_id: "user-123" }),
    });
    expect(disconnect.status).toBe(200);

    const scrape = await stack.call("/metrics");
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    text = await scrape.text();
  }, 30_000);

  afterAll(async () => {
    await stack?.stop();
  });

  test("requests are counted by route pattern and status, never by raw path", () => {
    expect(sample(text, `${REQUESTS}{method="GET",route="/metrics",status="401"}`)).toBe(2);
    expect(sample(text, `${REQUESTS}{method="POST",route="/oauth/authorize",status="200"}`)).toBe(1);
    expect(sample(text, `${REQUESTS}{method="GET",route="/oauth/callback",status="200"}`)).toBe(1);
    expect(sample(text, `${REQUESTS}{method="GET",route="/oauth/status/:customer_id",status="200"}`)).toBe(3);
    expect(sample(text, `${REQUESTS}{method="POST",route="/oauth/disconnect",status="200"}`)).toBe(1);
    expect(sample(text, `${REQUESTS}{method="POST",route="/mcp",status="200"}`)).toBe(4);
    expect(sample(text, `${REQUESTS}{method="GET",route="unmatched",status="404"}`)).toBe(1);
  });

  test("tool calls by tool and outcome, with a duration histogram per tool", () => {
    expect(sample(text, `${TOOLS}{tool="calendar_status",outcome="ok"}`)).toBe(1);
    expect(sample(text, `${TOOLS}{tool="list_calendars",outcome="ok"}`)).toBe(2);
    expect(sample(text, `${TOOLS}{tool="list_events",outcome="calendar_not_connected"}`)).toBe(1);
    expect(sample(text, 'mcp_calendar_tool_call_duration_seconds_count{tool="list_calendars"}')).toBe(2);
  });

  test("refreshes by outcome, the ones that never happened at zero", () => {
    expect(sample(text, 'mcp_calendar_token_refreshes_total{outcome="refreshed"}')).toBe(1);
    expect(sample(text, 'mcp_calendar_token_refreshes_total{outcome="failed"}')).toBe(0);
    expect(sample(text, 'mcp_calendar_token_refreshes_total{outcome="reauthorization_required"}')).toBe(0);
  });

  test("Google latency histogram by API: token (exchange + refresh), revoke, calendar", () => {
    expect(text).toContain(`# TYPE ${GOOGLE} histogram`);
    expect(sample(text, `${GOOGLE}_count{api="oauth_token",outcome="ok"}`)).toBe(2);
    expect(sample(text, `${GOOGLE}_count{api="oauth_revoke",outcome="ok"}`)).toBe(1);
    const calendarCalls = sample(text, `${GOOGLE}_count{api="calendar",outcome="ok"}`) ?? 0;
    expect(calendarCalls).toBeGreaterThanOrEqual(2);
    expect(sample(text, `${GOOGLE}_bucket{api="calendar",outcome="ok",le="+Inf"}`)).toBe(calendarCalls);
    expect(sample(text, `${GOOGLE}_sum{api="calendar",outcome="ok"}`)).toBeGreaterThan(0);
  });

  test("no customer id, email, API key, client secret or Google token appears", () => {
    expect(issued.length).toBeGreaterThanOrEqual(3);
    for (const secret of [
      "user-123",
      "user-456",
      "stranger-9",
      "ana.garcia@example.com",
      E2E_API_KEY,
      CLIENT_SECRET,
      ...issued,
    ]) {
      expect(text).not.toContain(secret);
    }
    // Every sample line is a metric of ours with well-formed labels.
    for (const line of text.split("\n").filter((l) => l !== "" && !l.startsWith("#"))) {
      expect(line).toMatch(/^mcp_calendar_[a-z_]+(\{[a-z_]+="[^"\n]*"(,[a-z_]+="[^"\n]*")*\})? [0-9.e+-]+$/);
    }
  });
});
