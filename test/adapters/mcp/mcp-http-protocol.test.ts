import { describe, expect, test } from "bun:test";
import { ALLOWED_ORIGIN, httpMcpWorld } from "./mcp-fixtures.ts";

interface RpcAnswer {
  jsonrpc: string;
  id?: string | number | null;
  result?: { isError?: boolean; content: { text: string }[]; structuredContent?: Record<string, unknown> };
  error?: { code: number; message: string; data?: Record<string, unknown> };
}

async function rpc(response: Response): Promise<RpcAnswer> {
  return (await response.json()) as RpcAnswer;
}

/** The seed's call, exactly as the Python backend sends it: no initialize first. */
function seedCall(args: Record<string, unknown> = {}) {
  return {
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: {
      name: "create_booking",
      arguments: {
        customer_id: "user-123",
        summary: "Dentist",
        start: "2026-01-20T10:00:00+01:00",
        end: "2026-01-20T11:00:00+01:00",
        ...args,
      },
    },
  };
}

describe("plain JSON-RPC clients (the seed's Python backend)", () => {
  for (const [label, accept] of [
    ["Accept: */* (httpx, requests)", "*/*"],
    ["Accept: application/json", "application/json"],
    ["no Accept at all (urllib)", undefined],
  ] as const) {
    test(`a bare tools/call with ${label} gets 200 and the result`, async () => {
      const world = await httpMcpWorld();
      const response = await world.post(seedCall(), { accept, "user-agent": "python-httpx/0.28.1" });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toStartWith("application/json");
      const body = await rpc(response);
      expect(body).toMatchObject({
        jsonrpc: "2.0",
        id: 1,
        result: { structuredContent: { created: true, summary: "Dentist" } },
      });
      expect(body.result?.isError).toBeUndefined();
      expect(world.calendar.storedEvents()).toHaveLength(1);
    });
  }

  test("a SDK-style Accept listing both types works too", async () => {
    const world = await httpMcpWorld();
    const response = await world.post(seedCall(), { accept: "application/json, text/event-stream" });
    expect(response.status).toBe(200);
    expect((await rpc(response)).result?.structuredContent?.created).toBe(true);
  });

  test("a batch answers every request, in JSON", async () => {
    const world = await httpMcpWorld();
    const batch = [
      {
        jsonrpc: "2.0",
        id: "a",
        method: "tools/call",
        params: { name: "calendar_status", arguments: { customer_id: "user-123" } },
      },
      { jsonrpc: "2.0", id: "b", method: "ping" },
    ];
    const response = await world.post(batch);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { id: string; result: Record<string, unknown> }[];
    expect(body.map((item) => item.id).sort()).toEqual(["a", "b"]);
    expect(body.find((item) => item.id === "a")?.result.structuredContent).toMatchObject({ connected: true });
  });

  test("a notification alone is accepted with 202", async () => {
    const world = await httpMcpWorld();
    const response = await world.post({ jsonrpc: "2.0", method: "notifications/initialized" });
    expect(response.status).toBe(202);
  });
});

describe("the endpoint's HTTP rules", () => {
  test("GET and DELETE are 405 with a JSON body and Allow: POST", async () => {
    const world = await httpMcpWorld();
    for (const method of ["GET", "DELETE"]) {
      const response = await world.app.request("/mcp", {
        method,
        headers: { authorization: "Bearer mcp-test-api-key-0123456789", accept: "text/event-stream" },
      });
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("POST");
      expect((await rpc(response)).error?.code).toBe(-32000);
    }
  });

  test("a foreign Origin is refused with 403; an allowed one passes", async () => {
    const world = await httpMcpWorld();
    const refused = await world.post(seedCall(), { origin: "https://evil.example" });
    expect(refused.status).toBe(403);
    expect((await rpc(refused)).error?.message).toContain("Origin");
    expect(world.calendar.storedEvents()).toHaveLength(0);
    const allowed = await world.post(seedCall(), { origin: ALLOWED_ORIGIN });
    expect(allowed.status).toBe(200);
  });

  test("no API key, or a wrong one, is 401", async () => {
    const world = await httpMcpWorld();
    expect((await world.post(seedCall(), { authorization: undefined })).status).toBe(401);
    expect((await world.post(seedCall(), { authorization: "Bearer not-the-key-0000000000" })).status).toBe(
      401,
    );
    expect(world.calendar.storedEvents()).toHaveLength(0);
  });

  test("a body that is not JSON by Content-Type is 415; an Accept without JSON is 406", async () => {
    const world = await httpMcpWorld();
    expect((await world.post(seedCall(), { "content-type": "text/plain" })).status).toBe(415);
    expect((await world.post(seedCall(), { accept: "text/html" })).status).toBe(406);
  });

  test("an unsupported MCP-Protocol-Version is refused; a missing one is accepted", async () => {
    const world = await httpMcpWorld();
    const ping = { jsonrpc: "2.0", id: 1, method: "ping" };
    expect((await world.post(ping, { "mcp-protocol-version": "1999-01-01" })).status).toBe(400);
    expect((await world.post(ping, { "mcp-protocol-version": "2025-06-18" })).status).toBe(200);
    expect((await world.post(ping)).status).toBe(200);
  });
});

describe("malformed input gets the right JSON-RPC error, never a 500", () => {
  const cases: [string, unknown, number, number][] = [
    ["invalid JSON", '{"jsonrpc": "2.0", "id": 1, "method": ', 400, -32700],
    ["a JSON string", '"tools/call"', 400, -32600],
    ["an object without jsonrpc", { id: 7, method: "tools/call" }, 400, -32600],
    ["an empty batch", [], 400, -32600],
    ["an unknown method", { jsonrpc: "2.0", id: 7, method: "calendar/explode" }, 200, -32601],
    ["tools/call without params", { jsonrpc: "2.0", id: 7, method: "tools/call" }, 200, -32602],
    [
      "arguments that are not an object",
      {
        jsonrpc: "2.0",
        id: 7,
        method: "tools/call",
        params: { name: "calendar_status", arguments: "user-123" },
      },
      200,
      -32602,
    ],
  ];
  for (const [label, body, status, code] of cases) {
    test(`${label} → HTTP ${status}, JSON-RPC ${code}`, async () => {
      const world = await httpMcpWorld();
      const response = await world.post(body);
      expect(response.status).toBe(status);
      const answer = await rpc(response);
      expect(answer.jsonrpc).toBe("2.0");
      expect(answer.error?.code).toBe(code);
      if (status === 200) expect(answer.id).toBe(7);
    });
  }

  test("an unknown tool is a JSON-RPC -32602 error naming it", async () => {
    const world = await httpMcpWorld();
    const response = await world.post({
      jsonrpc: "2.0",
      id: 3,
      method: "tools/call",
      params: { name: "book_flight", arguments: {} },
    });
    expect(response.status).toBe(200);
    const { error } = await rpc(response);
    expect(error?.code).toBe(-32602);
    expect(error?.message).toContain("Unknown tool: book_flight");
  });

  test("arguments of the wrong type are an isError result naming the field", async () => {
    const world = await httpMcpWorld();
    const response = await world.post(seedCall({ start: 1768899600 }));
    expect(response.status).toBe(200);
    const { result } = await rpc(response);
    expect(result?.isError).toBe(true);
    expect(result?.content[0]?.text).toContain("start");
    expect(result?.structuredContent?.error).toMatchObject({ code: "invalid_argument", field: "start" });
    expect(world.calendar.storedEvents()).toHaveLength(0);
  });
});

describe("X-Customer-Id", () => {
  test("a customer_id contradicting the header is a JSON-RPC error, and nothing runs", async () => {
    const world = await httpMcpWorld();
    const response = await world.post(seedCall({ customer_id: "user-456" }), { "x-customer-id": "user-123" });
    expect(response.status).toBe(200);
    const body = await rpc(response);
    expect(body).toMatchObject({
      jsonrpc: "2.0",
      id: 1,
      error: { code: -32602, data: { code: "customer_mismatch" } },
    });
    expect(body.result).toBeUndefined();
    expect(world.calendar.callCount()).toBe(0);
    expect(world.toolCalls).toEqual([]);
    const logged = world.logger.lines
      .map((line) => JSON.parse(line))
      .find((line) => line.event === "mcp_request_refused");
    expect(logged).toMatchObject({ level: "warn", reasons: ["customer_mismatch"] });
  });

  test("one contradicting call refuses its whole batch", async () => {
    const world = await httpMcpWorld();
    const batch = [
      { ...seedCall(), id: 1 },
      {
        ...seedCall({
          customer_id: "user-456",
          start: "2026-01-21T10:00:00+01:00",
          end: "2026-01-21T11:00:00+01:00",
        }),
        id: 2,
      },
    ];
    const response = await world.post(batch, { "x-customer-id": "user-123" });
    const body = (await response.json()) as { id: number; error: { data?: { code: string } } }[];
    expect(body.map((item) => item.id)).toEqual([1, 2]);
    expect(body[1]?.error.data?.code).toBe("customer_mismatch");
    expect(world.calendar.storedEvents()).toHaveLength(0);
  });

  test("a matching header passes, and alone it supplies customer_id", async () => {
    const world = await httpMcpWorld();
    const matching = await world.post(seedCall(), { "x-customer-id": "user-123" });
    expect((await rpc(matching)).result?.structuredContent?.created).toBe(true);
    const status = {
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "calendar_status", arguments: {} },
    };
    const alone = await world.post(status, { "x-customer-id": "user-123" });
    expect((await rpc(alone)).result?.structuredContent).toMatchObject({
      connected: true,
      customer_id: "user-123",
    });
  });

  test("a malformed header is refused before anything runs", async () => {
    const world = await httpMcpWorld();
    const response = await world.post(seedCall(), { "x-customer-id": "user 123" });
    expect(response.status).toBe(400);
    expect((await rpc(response)).error?.data?.code).toBe("invalid_customer_id");
    expect(world.calendar.callCount()).toBe(0);
  });
});
