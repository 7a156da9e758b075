import { afterEach, describe, expect, test } from "bun:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { isInitializeRequest, McpError } from "@modelcontextprotocol/sdk/types.js";
import { API_KEY, dataOf, errorOf, httpMcpWorld } from "./mcp-fixtures.ts";

/** The official SDK client over real HTTP, against the real HTTP app on an ephemeral port. */

let stop: (() => Promise<void>) | null = null;

afterEach(async () => {
  await stop?.();
  stop = null;
});

async function serve() {
  const world = await httpMcpWorld();
  const server = Bun.serve({ port: 0, fetch: world.app.fetch });
  stop = () => server.stop(true);
  return { ...world, url: new URL(`http://127.0.0.1:${server.port}/mcp`) };
}

interface SentRequest {
  method: string;
  protocolVersion: string | null;
  status?: number;
}

/**
 * A connected client whose initialize offers `version`; every HTTP request it makes is recorded.
 * The SDK client always offers its latest version, so an older one is pinned on the way out.
 */
async function connect(url: URL, version: string, headers: Record<string, string> = {}) {
  const sent: SentRequest[] = [];
  const transport = new StreamableHTTPClientTransport(url, {
    requestInit: { headers: { authorization: `Bearer ${API_KEY}`, ...headers } },
    fetch: async (url, init) => {
      const record: SentRequest = {
        method: init?.method ?? "GET",
        protocolVersion: new Headers(init?.headers).get("mcp-protocol-version"),
      };
      sent.push(record);
      const response = await fetch(url, init);
      record.status = response.status;
      return response;
    },
  });
  const send = transport.send.bind(transport);
  transport.send = (message, options) =>
    send(
      isInitializeRequest(message)
        ? { ...message, params: { ...message.params, protocolVersion: version } }
        : message,
      options,
    );
  const client = new Client({ name: "sdk-http-test", version: "1.0.0" });
  await client.connect(transport);
  return { client, transport, sent };
}

describe("the official SDK client over Streamable HTTP", () => {
  for (const version of ["2025-11-25", "2025-06-18"]) {
    test(`negotiates ${version}, lists the tools and books`, async () => {
      const world = await serve();
      const { client, transport, sent } = await connect(world.url, version);
      expect(transport.protocolVersion).toBe(version);
      expect(client.getServerVersion()?.name).toBe("mcp-calendar-server");
      expect(client.getInstructions()).toContain("customer_id");

      const { tools } = await client.listTools();
      expect(tools).toHaveLength(13);
      const booked = dataOf(
        await client.callTool({
          name: "create_booking",
          arguments: {
            customer_id: "user-123",
            summary: "Dentist",
            start: "2026-01-20T10:00",
            end: "2026-01-20T11:00",
          },
        }),
      );
      expect(booked.created).toBe(true);
      expect(transport.sessionId).toBeUndefined();
      await client.close();

      // After initialize every request names the negotiated version; the stream GET is declined.
      const posts = sent.filter((request) => request.method === "POST");
      expect(posts[0]?.protocolVersion).toBeNull();
      expect(posts.slice(1).map((request) => request.protocolVersion)).toEqual(
        posts.slice(1).map(() => version),
      );
      expect(sent.filter((request) => request.method === "GET").map((request) => request.status)).toEqual([
        405,
      ]);
    });
  }

  test("error results pass the client's output-schema validation and keep the consent link", async () => {
    const world = await serve();
    const { client } = await connect(world.url, "2025-11-25");
    await client.listTools();
    const result = await client.callTool({ name: "list_events", arguments: { customer_id: "user-456" } });
    const error = errorOf(result);
    expect(error.code).toBe("calendar_not_connected");
    expect(String(error.authorization_url)).toStartWith("https://accounts.example.test/auth?state=");
    await client.close();
  });

  test("a customer_id contradicting X-Customer-Id reaches the client as a protocol error", async () => {
    const world = await serve();
    const { client } = await connect(world.url, "2025-11-25", { "x-customer-id": "user-123" });
    const refused = client.callTool({ name: "calendar_status", arguments: { customer_id: "user-456" } });
    const error = await refused.then(
      () => null,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(-32602);
    expect((error as McpError).data).toMatchObject({ code: "customer_mismatch" });
    await client.close();
  });
});
