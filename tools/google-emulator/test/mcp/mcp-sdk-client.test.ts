import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  type RunningGoogleEmulator,
  SANDBOX_CLIENT_ID,
  startGoogleEmulator,
} from "../../src/google-emulator.ts";
import { ALL_SCOPES, ANA, BOB, OUTSIDER } from "./mcp-test-kit.ts";

let emulator: RunningGoogleEmulator;
let accessToken: string;

beforeAll(async () => {
  emulator = await startGoogleEmulator({
    accounts: [{ email: ANA, timeZone: "Europe/Madrid" }, { email: BOB }],
  });
  accessToken = "ya29.sdk-test";
  emulator.state.accessTokens.set(accessToken, {
    token: accessToken,
    clientId: SANDBOX_CLIENT_ID,
    email: ANA,
    scopes: ALL_SCOPES,
    expiresAt: Date.now() + 3_600_000,
    grantId: "sdk",
  });
});

afterAll(async () => {
  await emulator.stop();
});

async function connect(bearer: string | null, path = "/mcp/v1"): Promise<Client> {
  const headers: Record<string, string> = bearer === null ? {} : { Authorization: `Bearer ${bearer}` };
  const transport = new StreamableHTTPClientTransport(new URL(`${emulator.url}${path}`), {
    requestInit: { headers },
  });
  const client = new Client({ name: "emulator-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

/** The structured data of a tool result, checked against its JSON text twin. */
function dataOf(result: Awaited<ReturnType<Client["callTool"]>>): Record<string, unknown> {
  expect(result.isError).toBeUndefined();
  const content = result.content as Array<{ type: string; text: string }>;
  expect(JSON.parse(content[0]?.text ?? "null")).toEqual(result.structuredContent);
  return result.structuredContent as Record<string, unknown>;
}

describe("Calendar MCP endpoint through the official MCP SDK client", () => {
  test("connects and lists the tools without a credential", async () => {
    const client = await connect(null);
    expect(client.getServerVersion()?.name).toBe("StatelessServer");
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(9);
    await expect(client.callTool({ name: "list_calendars", arguments: {} })).rejects.toBeInstanceOf(
      StreamableHTTPError,
    );
    await client.close();
  });

  test("every tool answers through the SDK with a bearer token", async () => {
    const client = await connect(accessToken);
    const call = async (name: string, args: Record<string, unknown>) =>
      dataOf(await client.callTool({ name, arguments: args }));
    expect(await call("list_calendars", {})).toEqual({
      calendars: [{ id: ANA, summary: ANA, timeZone: "Europe/Madrid" }],
    });
    const start = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const created = await call("create_event", {
      summary: "SDK meeting",
      startTime: `${start}T10:00:00`,
      endTime: `${start}T11:00:00`,
      attendees: [{ email: BOB }],
    });
    const eventId = created.id as string;
    expect((await call("get_event", { eventId })).summary).toBe("SDK meeting");
    const listed = await call("list_events", {});
    expect((listed.events as Array<{ id: string }>).map((e) => e.id)).toContain(eventId);
    expect(((await call("search_events", { query: "sdk" })).events as unknown[]).length).toBe(1);
    expect((await call("update_event", { eventId, location: "Here" })).location).toBe("Here");
    const responded = await call("respond_to_event", { eventId, responseStatus: "tentative" });
    expect(
      (responded.attendees as Array<{ self?: boolean; responseStatus: string }>).find((a) => a.self)
        ?.responseStatus,
    ).toBe("tentative");
    const slots = await call("suggest_time", {
      attendeeEmails: ["primary"],
      startTime: `${start}T09:00:00`,
      endTime: `${start}T12:00:00`,
    });
    expect((slots.timeSlots as Array<{ startTime: string }>).map((s) => s.startTime.slice(11, 16))).toEqual([
      "09:00",
      "11:00",
    ]);
    // delete_event needs approval: the SDK hands back the input_required result untouched.
    const asked = (await client.callTool({ name: "delete_event", arguments: { eventId } })) as Record<
      string,
      unknown
    >;
    expect(asked.resultType).toBe("input_required");
    const answered = await client.callTool({
      name: "delete_event",
      arguments: { eventId },
      requestState: asked.requestState,
      inputResponses: { approval: { action: "accept", content: {} } },
    } as Parameters<Client["callTool"]>[0]);
    expect(dataOf(answered).status).toBe("cancelled");
    expect(emulator.state.counters.mcpCalls.get("delete_event")).toBe(2);
    expect(emulator.state.counters.mcpRequests.get("initialize")).toBeGreaterThanOrEqual(1);
    // The MCP server reads and writes the state directly: no Calendar REST call is counted.
    expect(emulator.state.counters.calendarCalls.size).toBe(0);
    await client.close();
  });

  test("/mcp/v1self refuses an outside invitation through the SDK as a tool error", async () => {
    const client = await connect(accessToken, "/mcp/v1self");
    const result = await client.callTool({
      name: "create_event",
      arguments: {
        summary: "x",
        startTime: "2030-01-15T10:00:00",
        endTime: "2030-01-15T11:00:00",
        attendees: [{ email: OUTSIDER }],
      },
    });
    expect(result.isError).toBe(true);
    await client.close();
  });
});
