import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { data, eventOutput, failure, failureOf, http, MCP_PATH, McpStub } from "./mcp-stub-server.ts";

const stub = new McpStub();
const gateway = stub.gateway();
const TOKEN = "ya29.customer-token";

afterAll(() => stub.stop());
beforeEach(() => stub.reset());

const ENCODINGS = ["structured", "text"] as const;

describe("GoogleMcpCalendarGateway: reads", () => {
  for (const encoding of ENCODINGS) {
    test(`list_calendars answered as ${encoding} content`, async () => {
      stub.once(
        "list_calendars",
        data(
          {
            calendars: [
              { id: "ana@example.com", summary: "Ana", timeZone: "Europe/Madrid", unknownField: 1 },
              { id: "team@group.calendar.google.com", summary: "Team", timeZone: "UTC" },
            ],
          },
          encoding,
        ),
      );
      expect(await gateway.listCalendars(TOKEN)).toEqual([
        {
          id: "ana@example.com",
          summary: "Ana",
          timeZone: "Europe/Madrid",
          primary: true,
          accessRole: "owner",
        },
        {
          id: "team@group.calendar.google.com",
          summary: "Team",
          timeZone: "UTC",
          primary: false,
          accessRole: "reader",
        },
      ]);
      const [call] = stub.calls;
      expect(call).toMatchObject({
        tool: "list_calendars",
        args: { pageSize: 250 },
        method: "POST",
        path: MCP_PATH,
        rpcMethod: "tools/call",
        authorization: `Bearer ${TOKEN}`,
      });
    });

    test(`list_events (${encoding}) maps Google's event output and pages on`, async () => {
      stub.once(
        "list_events",
        data(
          {
            timeZone: "Europe/Madrid",
            events: [
              eventOutput({
                attendees: [
                  { email: "ana@example.com", self: true, organizer: true, responseStatus: "ACCEPTED" },
                  { email: "bob@example.com", optionalAttendee: true, responseStatus: "needsAction" },
                ],
                conferenceUrl: "https://meet.google.com/abc-defg-hij",
              }),
              { id: "allday", start: { date: "2026-03-11T00:00:00Z" }, end: { date: "2026-03-12" } },
            ],
            nextPageToken: "page2",
          },
          encoding,
        ),
      );
      const page = await gateway.listEvents(TOKEN, "primary", {
        timeMin: new Date("2026-03-10T00:00:00Z"),
        timeMax: new Date("2026-03-12T00:00:00Z"),
        text: "haircut",
        maxResults: 1000,
        timeZone: "Europe/Madrid",
      });
      expect(page.nextPageToken).toBe("page2");
      expect(page.events[0]).toEqual({
        id: "evt1",
        calendarId: "primary",
        status: "confirmed",
        summary: "Haircut",
        description: null,
        location: null,
        start: { dateTime: "2026-03-10T15:00:00+01:00", timeZone: "Europe/Madrid" },
        end: { dateTime: "2026-03-10T16:00:00+01:00", timeZone: "Europe/Madrid" },
        htmlLink: "https://calendar.google.com/event?eid=evt1",
        meetLink: "https://meet.google.com/abc-defg-hij",
        attendees: [
          { email: "ana@example.com", responseStatus: "accepted", self: true, organizer: true },
          { email: "bob@example.com", responseStatus: "needsAction", optional: true },
        ],
        organizerEmail: "ana@example.com",
        recurringEventId: null,
        recurrence: [],
        transparency: "opaque",
        etag: "mcp-updated:2026-03-01T09:00:00.000Z",
        created: "2026-03-01T09:00:00.000Z",
        updated: "2026-03-01T09:00:00.000Z",
      });
      expect(page.events[1]).toMatchObject({
        id: "allday",
        start: { date: "2026-03-11" },
        end: { date: "2026-03-12" },
      });
      expect(stub.calls[0]?.args).toEqual({
        calendarId: "primary",
        orderBy: "startTime",
        startTime: "2026-03-10T00:00:00.000Z",
        endTime: "2026-03-12T00:00:00.000Z",
        fullText: "haircut",
        pageSize: 250,
        timeZone: "Europe/Madrid",
      });
    });
  }

  test("an answer in a text/event-stream is read too", async () => {
    stub.once("get_event", (call, id) => ({ ...data(eventOutput())(call, id), sse: true }));
    expect((await gateway.getEvent(TOKEN, "primary", "evt1")).id).toBe("evt1");
    expect(stub.calls[0]?.args).toEqual({ calendarId: "primary", eventId: "evt1" });
  });

  test("time zone of the primary calendar costs one list_calendars request", async () => {
    stub.always(
      "list_calendars",
      data({ calendars: [{ id: "ana@example.com", summary: "Ana", timeZone: "Europe/Madrid" }] }),
    );
    expect(await gateway.getTimeZone(TOKEN, "primary")).toBe("Europe/Madrid");
    expect(stub.calls.map((c) => c.tool)).toEqual(["list_calendars"]);
  });

  test("time zone of a calendar not on the list comes from its event list's envelope", async () => {
    stub.always(
      "list_calendars",
      data({ calendars: [{ id: "ana@example.com", timeZone: "Europe/Madrid" }] }),
    );
    stub.once("list_events", data({ timeZone: "America/New_York", events: [] }));
    expect(await gateway.getTimeZone(TOKEN, "other@example.com")).toBe("America/New_York");
    expect(stub.callsOf("list_events")[0]?.args).toMatchObject({
      calendarId: "other@example.com",
      pageSize: 1,
    });
  });

  test("each request is counted for metrics with backend mcp and the tool", async () => {
    stub.once("get_event", data(eventOutput()));
    await gateway.getEvent(TOKEN, "primary", "evt1");
    expect(stub.googleCalls).toEqual([
      {
        api: "calendar",
        outcome: "ok",
        durationMs: expect.any(Number),
        backend: "mcp",
        operation: "get_event",
      },
    ]);
  });
});

describe("GoogleMcpCalendarGateway: failures", () => {
  test("401 with WWW-Authenticate is google_token_rejected, and is not retried", async () => {
    stub.always(
      "get_event",
      http(401, {
        "WWW-Authenticate":
          'Bearer resource_metadata="https://x/.well-known/oauth-protected-resource/mcp/v1"',
      }),
    );
    const error = await failureOf(gateway.getEvent(TOKEN, "primary", "evt1"));
    expect(error.code).toBe("google_token_rejected");
    expect(stub.calls).toHaveLength(1);
  });

  test("403 with an insufficient_scope challenge is insufficient_scope", async () => {
    stub.always("list_events", http(403, { "WWW-Authenticate": 'Bearer error="insufficient_scope"' }));
    expect((await failureOf(gateway.listEvents(TOKEN, "primary", {}))).code).toBe("insufficient_scope");
  });

  test("403 'caller does not have permission' is insufficient_scope with reason google_permission_denied", async () => {
    stub.always(
      "list_events",
      http(
        403,
        {},
        { error: { code: 403, message: "The caller does not have permission", status: "PERMISSION_DENIED" } },
      ),
    );
    const error = await failureOf(gateway.listEvents(TOKEN, "primary", {}));
    expect(error.code).toBe("insufficient_scope");
    expect(error.details.reason).toBe("google_permission_denied");
    expect(error.message).toContain("The caller does not have permission");
  });

  test("a client not marked for AI agents is insufficient_scope with reason oauth_client_not_agentic", async () => {
    stub.always(
      "list_events",
      failure("OAuth client is not configured for an AI-powered agent", "rpc", { code: 403 }),
    );
    const error = await failureOf(gateway.listEvents(TOKEN, "primary", {}));
    expect(error).toMatchObject({
      code: "insufficient_scope",
      details: { reason: "oauth_client_not_agentic" },
    });
  });

  for (const encoding of ["rpc", "isError"] as const) {
    test(`'insufficient authentication scopes' as ${encoding} is insufficient_scope`, async () => {
      stub.always("create_event", failure("Request had insufficient authentication scopes.", encoding));
      const error = await failureOf(gateway.insertEvent(TOKEN, "primary", draft(), {}));
      expect(error.code).toBe("insufficient_scope");
    });

    test(`not found as ${encoding} is not_found`, async () => {
      stub.always("get_event", failure("Requested entity was not found.", encoding, { status: "NOT_FOUND" }));
      expect((await failureOf(gateway.getEvent(TOKEN, "primary", "nope"))).code).toBe("not_found");
    });

    test(`an invalid argument as ${encoding} is invalid_argument with Google's words`, async () => {
      stub.always("create_event", failure("Invalid start time.", encoding, { code: -32602 }));
      const error = await failureOf(gateway.insertEvent(TOKEN, "primary", draft(), {}));
      expect(error.code).toBe("invalid_argument");
      expect(error.message).toContain("Invalid start time.");
    });
  }

  test("prose is not mistaken for a status name: 'internal' or 'quota' in a refusal stay invalid_argument", async () => {
    stub.always("create_event", failure("Attendee internal-quota@example.com cannot be invited", "isError"));
    expect((await failureOf(gateway.insertEvent(TOKEN, "primary", draft(), {}))).code).toBe(
      "invalid_argument",
    );
  });

  test("UNAUTHENTICATED inside a tool result is google_token_rejected too", async () => {
    stub.always("get_event", failure("Request had invalid authentication credentials.", "isError"));
    expect((await failureOf(gateway.getEvent(TOKEN, "primary", "evt1"))).code).toBe("google_token_rejected");
  });

  test("'requires user confirmation, which this client does not support' names the endpoint to use", async () => {
    stub.always(
      "delete_event",
      failure("This action requires user confirmation, which this client does not support", "isError"),
    );
    const error = await failureOf(gateway.deleteEvent(TOKEN, "primary", "evt1", {}));
    expect(error).toMatchObject({ code: "google_unavailable", details: { reason: "approval_unsupported" } });
    expect(error.message).toContain("/mcp/v1");
  });

  test("429 is rate_limited with Google's Retry-After", async () => {
    stub.always("create_event", http(429, { "Retry-After": "30" }));
    const error = await failureOf(gateway.insertEvent(TOKEN, "primary", draft(), {}));
    expect(error).toMatchObject({ code: "rate_limited", details: { retry_after_seconds: 30 } });
    expect(stub.calls).toHaveLength(1);
  });

  test("a read failing with 503 is retried, every attempt counted", async () => {
    stub.once("get_event", http(503)).once("get_event", http(502)).once("get_event", data(eventOutput()));
    expect((await gateway.getEvent(TOKEN, "primary", "evt1")).id).toBe("evt1");
    expect(stub.googleCalls.map((c) => c.outcome)).toEqual(["error", "error", "ok"]);
  });

  test("5xx on every attempt is google_unavailable; a create is never retried", async () => {
    stub.always("get_event", http(500));
    expect((await failureOf(gateway.getEvent(TOKEN, "primary", "evt1"))).code).toBe("google_unavailable");
    expect(stub.calls).toHaveLength(3);
    stub.reset();
    stub.always("create_event", http(503));
    expect((await failureOf(gateway.insertEvent(TOKEN, "primary", draft(), {}))).code).toBe(
      "google_unavailable",
    );
    expect(stub.calls).toHaveLength(1);
  });

  test("no answer within the deadline is google_unavailable, not retried", async () => {
    const slow = stub.gateway({ timeoutMs: 100 });
    stub.always("get_event", (call, id) => ({ ...data(eventOutput())(call, id), delayMs: 400 }));
    const error = await failureOf(slow.getEvent(TOKEN, "primary", "evt1"));
    expect(error.code).toBe("google_unavailable");
    expect(error.message).toContain("within 100 ms");
    expect(stub.calls).toHaveLength(1);
  });

  test("an unreadable answer (HTML, text that is not JSON, an event without id) is google_unavailable", async () => {
    stub.once("get_event", http(200, { "content-type": "text/html" }, "<html>oops</html>"));
    expect((await failureOf(gateway.getEvent(TOKEN, "primary", "evt1"))).code).toBe("google_unavailable");
    stub.once("get_event", (_c, id) => ({
      body: { jsonrpc: "2.0", id, result: { content: [{ type: "text", text: "Done!" }] } },
    }));
    expect((await failureOf(gateway.getEvent(TOKEN, "primary", "evt1"))).code).toBe("google_unavailable");
    stub.once("get_event", data({ summary: "no id" }));
    expect((await failureOf(gateway.getEvent(TOKEN, "primary", "evt1"))).code).toBe("google_unavailable");
  });

  test("a 404 of the endpoint itself is google_unavailable, not not_found", async () => {
    stub.always("get_event", http(404, { "content-type": "text/html" }, "Not Found"));
    expect((await failureOf(gateway.getEvent(TOKEN, "primary", "evt1"))).code).toBe("google_unavailable");
  });

  test("a customer's token never appears in an error", async () => {
    stub.always("get_event", http(500, {}, { error: { message: "boom" } }));
    const error = await failureOf(gateway.getEvent(TOKEN, "primary", "evt1"));
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(TOKEN);
  });
});

function draft() {
  return {
    summary: "Haircut",
    start: { dateTime: "2026-03-10T15:00:00+01:00", timeZone: "Europe/Madrid" },
    end: { dateTime: "2026-03-10T16:00:00+01:00", timeZone: "Europe/Madrid" },
  };
}
