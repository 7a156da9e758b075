import { describe, expect, test } from "bun:test";
import { SANDBOX_CLIENT_ID } from "../../src/google-emulator.ts";
import { MCP_HEADERS, mcpEmulator, NON_AGENTIC_CLIENT } from "./mcp-test-kit.ts";

const TOOL_NAMES = [
  "create_event",
  "delete_event",
  "get_event",
  "list_calendars",
  "list_events",
  "respond_to_event",
  "search_events",
  "suggest_time",
  "update_event",
];

describe("Calendar MCP endpoint: protocol", () => {
  test("initialize needs no credential and echoes each supported protocol version", async () => {
    const { rpc } = mcpEmulator();
    for (const version of ["2025-06-18", "2025-11-25", "2026-07-28"]) {
      const answer = await rpc(
        "initialize",
        { protocolVersion: version, capabilities: {}, clientInfo: { name: "t", version: "1" } },
        { token: null },
      );
      expect(answer.status).toBe(200);
      expect(answer.json.result.protocolVersion).toBe(version);
      expect(answer.json.result.capabilities.tools).toBeDefined();
      expect(answer.headers.get("mcp-session-id")).toBeNull();
    }
    const unknown = await rpc(
      "initialize",
      { protocolVersion: "2024-01-01", capabilities: {} },
      { token: null },
    );
    expect(unknown.json.result.protocolVersion).toBe("2026-07-28");
  });

  test("tools/list needs no credential and lists the 9 V3 tools with camelCase schemas", async () => {
    const { rpc, state } = mcpEmulator();
    const answer = await rpc("tools/list", {}, { token: null });
    expect(answer.status).toBe(200);
    const tools = answer.json.result.tools as Array<{
      name: string;
      inputSchema: { properties: Record<string, unknown>; required?: string[] };
      annotations: Record<string, unknown>;
    }>;
    expect(tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(byName.create_event?.inputSchema.required).toEqual(["summary", "startTime", "endTime"]);
    expect(Object.keys(byName.create_event?.inputSchema.properties ?? {})).toContain("addGoogleMeetUrl");
    expect(byName.list_events?.inputSchema.properties.pageSize).toEqual(
      expect.objectContaining({ type: "integer", format: "int32" }),
    );
    expect(byName.suggest_time?.inputSchema.required).toEqual(["attendeeEmails", "startTime", "endTime"]);
    expect(byName.respond_to_event?.inputSchema.required).toEqual(["eventId", "responseStatus"]);
    expect(byName.delete_event?.annotations).toEqual(
      expect.objectContaining({ destructiveHint: true, readOnlyHint: false }),
    );
    expect(byName.list_events?.annotations).toEqual(
      expect.objectContaining({ readOnlyHint: true, title: "Lists calendar events in a given calendar." }),
    );
    expect(JSON.stringify(tools)).not.toContain("x-reconstruction-note");
    expect(state.counters.mcpRequests.get("tools/list")).toBe(1);
  });

  test("GET and DELETE answer 405 (stateless: no SSE stream, no session); notifications 202", async () => {
    const { app, rpc } = mcpEmulator();
    for (const method of ["GET", "DELETE"]) {
      const response = await app.request("/mcp/v1", { method, headers: { Accept: "text/event-stream" } });
      expect(response.status).toBe(405);
      expect(response.headers.get("Allow")).toBe("POST");
    }
    const note = await app.request("/mcp/v1", {
      method: "POST",
      headers: MCP_HEADERS,
      body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
    });
    expect(note.status).toBe(202);
    expect((await rpc("ping", {}, { token: null })).json.result).toEqual({});
  });

  test("transport and JSON-RPC mistakes get structured errors, never a 500", async () => {
    const { app, rpc } = mcpEmulator();
    const post = (headers: Record<string, string>, body: string) =>
      app.request("/mcp/v1", { method: "POST", headers, body });
    expect((await post({ "Content-Type": "text/plain", Accept: MCP_HEADERS.Accept }, "{}")).status).toBe(415);
    expect((await post({ "Content-Type": "application/json", Accept: "text/html" }, "{}")).status).toBe(406);
    const parse = await post(MCP_HEADERS, "{not json");
    expect(parse.status).toBe(400);
    expect(((await parse.json()) as { error: { code: number } }).error.code).toBe(-32700);
    const batch = await post(MCP_HEADERS, "[]");
    expect(((await batch.json()) as { error: { code: number } }).error.code).toBe(-32600);
    const badVersion = await rpc(
      "tools/list",
      {},
      { token: null, headers: { "MCP-Protocol-Version": "1999-01-01" } },
    );
    expect(badVersion.status).toBe(400);
    expect(badVersion.json.error.code).toBe(-32022);
    expect((await rpc("resources/list", {}, { token: null })).json.error.code).toBe(-32601);
    const unknownTool = await rpc("tools/call", { name: "send_email", arguments: {} });
    expect(unknownTool.json.error.code).toBe(-32602);
  });

  test("2026-07-28 clients: no initialize, version and capabilities in _meta, server/discover", async () => {
    const { rpc, call } = mcpEmulator();
    const meta = {
      "io.modelcontextprotocol/protocolVersion": "2026-07-28",
      "io.modelcontextprotocol/clientCapabilities": { elicitation: { form: {} } },
    };
    const discover = await rpc("server/discover", { _meta: meta }, { token: null });
    expect(discover.json.result).toEqual(
      expect.objectContaining({
        resultType: "complete",
        supportedVersions: expect.arrayContaining(["2026-07-28", "2025-06-18"]),
      }),
    );
    const listed = await rpc("tools/list", { _meta: meta }, { token: null });
    expect(listed.json.result.resultType).toBe("complete");
    const called = await call("list_calendars", {}, {}, { _meta: meta });
    expect(called.json.result.resultType).toBe("complete");
    expect(called.json.result.structuredContent.calendars).toHaveLength(1);
    const legacy = await call("list_calendars");
    expect(legacy.json.result.resultType).toBeUndefined();
    const future = await rpc("tools/list", {
      _meta: { ...meta, "io.modelcontextprotocol/protocolVersion": "2099-01-01" },
    });
    expect(future.status).toBe(400);
    expect(future.json.error).toEqual({
      code: -32022,
      message: "Unsupported protocol version: 2099-01-01",
      data: { requested: "2099-01-01", supported: ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"] },
    });
  });

  test("the protected-resource metadata names the emulator as authorization server", async () => {
    const { app } = mcpEmulator();
    const response = await app.request("http://emulator.test/.well-known/oauth-protected-resource/mcp/v1");
    expect(response.status).toBe(200);
    const prm = (await response.json()) as Record<string, unknown>;
    expect(prm.resource).toBe("http://emulator.test/mcp/v1");
    expect(prm.authorization_servers).toEqual(["http://emulator.test"]);
    expect(prm.scopes_supported).toContain("https://www.googleapis.com/auth/calendar.events");
  });
});

describe("Calendar MCP endpoint: credentials", () => {
  const challenge =
    'Bearer resource_metadata="http://emulator.test/.well-known/oauth-protected-resource/mcp/v1"';

  test("tools/call without a token: 401 with WWW-Authenticate pointing at the metadata", async () => {
    const { call, state } = mcpEmulator();
    const answer = await call("list_calendars", {}, { token: null });
    expect(answer.status).toBe(401);
    expect(answer.headers.get("WWW-Authenticate")).toBe(challenge);
    expect(answer.json.error.status).toBe("UNAUTHENTICATED");
    expect(state.counters.mcpCalls.get("list_calendars")).toBe(1);
  });

  test("unknown, expired and revoked tokens: 401 invalid_token", async () => {
    const { call, token, state } = mcpEmulator();
    const expired = token(undefined, undefined, undefined, -1000);
    const revoked = token();
    state.revokeGrant(state.accessTokens.get(revoked)?.grantId ?? "");
    for (const bearer of ["ya29.nonsense", expired, revoked]) {
      const answer = await call("list_calendars", {}, { token: bearer });
      expect(answer.status).toBe(401);
      expect(answer.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
      expect(answer.headers.get("WWW-Authenticate")).toContain("resource_metadata=");
    }
  });

  test("a token of an OAuth client not marked agentic is refused with 403", async () => {
    const { call, token, app } = mcpEmulator();
    const legacy = token(undefined, undefined, NON_AGENTIC_CLIENT);
    const answer = await call("list_calendars", {}, { token: legacy });
    expect(answer.status).toBe(403);
    expect(answer.json.error.status).toBe("PERMISSION_DENIED");
    expect(answer.json.error.message).toContain("OAuth client is not enabled for AI agents");
    // The same token still works on the REST API: the flag only gates the MCP server.
    const rest = await app.request("/calendar/v3/users/me/calendarList", {
      headers: { Authorization: `Bearer ${legacy}` },
    });
    expect(rest.status).toBe(200);
  });

  test("clients registered through the control surface are agentic unless told otherwise", async () => {
    const { app, state } = mcpEmulator();
    const register = (body: unknown) =>
      app.request("/__emulator/clients", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await register({ clientId: "new-agent", clientSecret: "x" })).status).toBe(201);
    expect((await register({ clientId: "new-legacy", clientSecret: "x", agentic: false })).status).toBe(201);
    expect(state.clients.get("new-agent")?.agentic).toBe(true);
    expect(state.clients.get("new-legacy")?.agentic).toBe(false);
    // Clients given to the emulator at start (the sandbox's among them) are agentic too.
    expect(state.clients.get(SANDBOX_CLIENT_ID)?.agentic).toBe(true);
  });

  test("tools/call with a token lacking the tool's scope: a tool error in Google's words", async () => {
    const { call, token } = mcpEmulator();
    const readOnly = token(undefined, ["https://www.googleapis.com/auth/calendar.events.readonly"]);
    const write = await call(
      "create_event",
      { summary: "x", startTime: "2030-01-01T10:00:00", endTime: "2030-01-01T11:00:00" },
      { token: readOnly },
    );
    expect(write.status).toBe(200);
    expect(write.json.result.isError).toBe(true);
    expect(write.json.result.content[0].text).toBe("Request had insufficient authentication scopes.");
    const list = await call("list_calendars", {}, { token: readOnly });
    expect(list.json.result.isError).toBe(true);
    const read = await call("list_events", {}, { token: readOnly });
    expect(read.json.result.isError).toBeUndefined();
  });
});

describe("Calendar MCP endpoint: counters and faults", () => {
  test("an injected 503 answers once with Google's body, then service resumes; calls are counted", async () => {
    const { app, call, state } = mcpEmulator();
    const added = await app.request("/__emulator/faults", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ target: "mcp:list_calendars", status: 503, times: 1 }),
    });
    expect(added.status).toBe(201);
    const failed = await call("list_calendars");
    expect(failed.status).toBe(503);
    expect(failed.json.error.code).toBe(503);
    expect((await call("list_calendars")).status).toBe(200);
    const stats = (await (await app.request("/__emulator/stats")).json()) as Record<
      string,
      Record<string, number>
    >;
    expect(stats.mcpCalls).toEqual({ list_calendars: 2 });
    expect(stats.mcpRequests?.["tools/call"]).toBe(2);
    expect(state.faults).toHaveLength(0);
  });

  test("a delay-only rule on one tool slows that tool and still serves it", async () => {
    const { call, state } = mcpEmulator();
    state.faults.push({ target: "mcp:create_event", delayMs: 150, times: 1 });
    const started = Date.now();
    const answer = await call("create_event", {
      summary: "Slow",
      startTime: "2030-01-01T10:00:00",
      endTime: "2030-01-01T11:00:00",
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(answer.json.result.structuredContent.summary).toBe("Slow");
    const fast = Date.now();
    await call("list_calendars");
    expect(Date.now() - fast).toBeLessThan(140);
  });

  test("an 'after' rule carries the call out, then loses its answer (the change stays)", async () => {
    const { call, rest, state } = mcpEmulator();
    state.faults.push({ target: "mcp:create_event", status: 503, after: true, times: 1 });
    const args = { summary: "Committed", startTime: "2030-01-15T10:00:00", endTime: "2030-01-15T11:00:00" };
    const lost = await call("create_event", args);
    expect(lost.status).toBe(503);
    const listed = await rest("GET", "/calendars/primary/events");
    expect(listed.json.items.map((e: { summary: string }) => e.summary)).toEqual(["Committed"]);
    expect(state.counters.calendarCalls.get("events.insert")).toBeUndefined();
  });
});
