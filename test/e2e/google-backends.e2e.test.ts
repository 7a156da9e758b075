import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { blankEvent, primaryCalendar } from "../../tools/google-emulator/src/calendar/calendar-store.ts";
import { shareEventWrite } from "../../tools/google-emulator/src/calendar/event-sharing.ts";
import { ANA, type Backend, type BackendStack, startBackendStack, type ToolResult } from "./backend-stack.ts";
import { E2E_API_KEY } from "./e2e-fixtures.ts";

/** A weekday `daysAhead` days out, so slots are in the future and in working hours. */
function weekday(daysAhead: number): string {
  const day = new Date(Date.now() + daysAhead * 86_400_000);
  while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

function errorOf(result: ToolResult): Record<string, unknown> {
  expect(result.isError).toBe(true);
  return result.structuredContent?.error ?? {};
}

function dataOf(result: ToolResult): Record<string, unknown> {
  if (result.isError === true) throw new Error(JSON.stringify(result.structuredContent));
  return result.structuredContent ?? {};
}

const USER = "user-backends";

/**
 * One scenario, run on both backends: the same tools, arguments and answers whether the server
 * calls Google's Calendar REST API or Google's Calendar MCP server, with the Google requests each
 * tool costs counted (and, on the MCP backend, not one REST request).
 */
describe.each(["rest", "mcp"] as Backend[])("backend %s, end to end", (backend) => {
  let stack: BackendStack;
  const date = weekday(21);
  const costs: Record<string, { rest: number; mcp: number }> = {};

  /** A tool call through instance A, its Google requests recorded under `label`. */
  async function counted(label: string, name: string, args: Record<string, unknown>): Promise<ToolResult> {
    const before = stack.googleCalls();
    const result = await stack.a.tool(name, { customer_id: USER, ...args });
    const after = stack.googleCalls();
    costs[label] = { rest: after.rest - before.rest, mcp: after.mcp - before.mcp };
    return result;
  }

  /** Google requests of `label` on this backend (the other backend's count must be zero). */
  function cost(label: string): number {
    const spent = costs[label];
    if (spent === undefined) throw new Error(`${label} was not counted`);
    expect(backend === "rest" ? spent.mcp : spent.rest).toBe(0);
    return backend === "rest" ? spent.rest : spent.mcp;
  }

  beforeAll(async () => {
    stack = await startBackendStack(backend);
    await stack.connect(stack.a, USER);
  }, 30_000);
  afterAll(async () => {
    await stack.stop();
  });

  test("someone else's availability: suggest_time on the MCP backend, Google's free/busy entry on REST", async () => {
    const sam = "sam.lee@example.com";
    const calendar = primaryCalendar(stack.emulator.state, sam);
    const start = Date.parse("2027-05-04T10:00:00Z");
    const event = blankEvent(
      `sambusy${Date.now().toString(32)}`,
      sam,
      Date.now(),
      { kind: "dateTime", instant: start, timeZone: null },
      { kind: "dateTime", instant: start + 3_600_000, timeZone: null },
    );
    event.fields.summary = "Sam's dentist";
    calendar.events.set(event.id, event);
    const result = await stack.a.tool("check_availability", {
      customer_id: USER,
      time_min: "2027-05-04T09:00:00Z",
      time_max: "2027-05-04T12:00:00Z",
      calendar_ids: [sam],
    });
    if (backend === "mcp") {
      // Sam's calendar cannot be listed; the free periods suggest_time offers leave his hour busy.
      const [entry] = dataOf(result).calendars as Array<{ busy: unknown[]; error?: string }>;
      expect(entry?.error).toBeUndefined();
      expect(entry?.busy).toEqual([{ start: "2027-05-04T10:00:00Z", end: "2027-05-04T11:00:00Z" }]);
    } else {
      // Google's free/busy reports a calendar it cannot read; alone in the question, that is not_found.
      expect(errorOf(result)).toMatchObject({ code: "not_found", calendar_id: sam });
    }
  });

  test("every read tool answers, each in one Google request or two", async () => {
    expect(dataOf(await counted("calendar_status", "calendar_status", {}))).toMatchObject({
      connected: true,
      calendar_email: ANA,
    });
    const calendars = dataOf(await counted("list_calendars", "list_calendars", {}));
    expect(calendars.calendars).toEqual([expect.objectContaining({ calendar_id: ANA, primary: true })]);
    const window = { time_min: `${date}T00:00:00Z`, time_max: `${date}T23:59:59Z` };
    expect(dataOf(await counted("list_events", "list_events", window)).events).toEqual([]);
    const availability = dataOf(await counted("check_availability", "check_availability", window));
    expect(availability).toMatchObject({ calendars: [{ calendar_id: "primary", busy: [] }] });
    const slots = dataOf(
      await counted("find_available_slots", "find_available_slots", {
        time_min: `${date}T09:00:00+01:00`,
        time_max: `${date}T12:00:00+01:00`,
        duration_minutes: 60,
        time_zone: "Europe/Madrid",
      }),
    );
    expect((slots.slots as unknown[]).length).toBeGreaterThan(0);
    expect(cost("calendar_status")).toBe(0);
    expect(cost("list_calendars")).toBe(1);
    expect(cost("list_events")).toBe(1);
    expect(cost("check_availability")).toBe(1);
    expect(cost("find_available_slots")).toBeLessThanOrEqual(2);
  });

  test("create, replay, reuse with other arguments, get, update, respond, cancel", async () => {
    const args = {
      summary: "Dentist",
      start: `${date}T10:00:00`,
      end: `${date}T10:30:00`,
      time_zone: "Europe/Madrid",
      idempotency_key: `msg-${backend}-1`,
    };
    const created = dataOf(await counted("create_booking", "create_booking", args));
    expect(created).toMatchObject({ created: true, summary: "Dentist" });
    expect(cost("create_booking")).toBe(2);
    const eventId = String(created.event_id);

    const replay = dataOf(await counted("create_booking (replay)", "create_booking", args));
    expect(replay).toMatchObject({ created: false, event_id: eventId, summary: "Dentist" });
    expect(cost("create_booking (replay)")).toBe(1);

    const reused = errorOf(
      await stack.a.tool("create_booking", { customer_id: USER, ...args, summary: "Other" }),
    );
    expect(reused).toMatchObject({ code: "idempotency_key_reused", differing_arguments: ["summary"] });

    const read = dataOf(await counted("get_event", "get_event", { event_id: eventId }));
    expect(read).toMatchObject({ event_id: eventId });
    // The MCP backend's booking reference never shows.
    expect(JSON.stringify(read)).not.toContain("Booking reference");
    expect(cost("get_event")).toBe(1);

    const moved = dataOf(
      await counted("update_booking", "update_booking", {
        event_id: eventId,
        start: `${date}T11:00:00`,
        time_zone: "Europe/Madrid",
      }),
    );
    expect(moved.start).toMatchObject({ date_time: `${date}T11:00:00+01:00` });
    // REST: get, events.list (busy but itself), patch (If-Match). MCP: get, list_events, get (no etag), update_event.
    expect(cost("update_booking")).toBe(backend === "rest" ? 3 : 4);

    const invitation = seedInvitation(stack, date);
    const answered = dataOf(
      await counted("respond_to_invitation", "respond_to_invitation", {
        event_id: invitation,
        response: "accepted",
      }),
    );
    expect(answered).toMatchObject({ event_id: invitation, response_status: "accepted" });
    expect(cost("respond_to_invitation")).toBeLessThanOrEqual(backend === "rest" ? 2 : 3);

    const cancel = await counted("cancel_booking", "cancel_booking", { event_id: eventId });
    if (backend === "mcp") {
      // The emulated Calendar MCP server asks the user to approve every delete.
      const asked = errorOf(cancel);
      const token = asked.approval_token;
      expect(typeof token).toBe("string");
      expect(asked.code).toBe("approval_required");
      const approval = { token, action: "accept" };
      const done = await counted("cancel_booking (approved)", "cancel_booking", {
        event_id: eventId,
        approval,
      });
      expect(dataOf(done)).toMatchObject({ status: "cancelled" });
      expect(cost("cancel_booking (approved)")).toBe(1);
    } else {
      expect(dataOf(cancel)).toMatchObject({ status: "cancelled" });
    }
    expect(cost("cancel_booking")).toBe(1);
    // A key whose booking was cancelled is not silently booked again.
    expect(errorOf(await stack.a.tool("create_booking", { customer_id: USER, ...args }))).toMatchObject({
      code: "invalid_argument",
      field: "idempotency_key",
    });
  });

  test("approval for an invitee outside the account's domain: declined, then accepted", async () => {
    const args = {
      customer_id: USER,
      summary: "Partner call",
      start: `${date}T15:00:00`,
      end: `${date}T15:30:00`,
      time_zone: "Europe/Madrid",
      attendees: [{ email: "someone@partner.example" }],
      idempotency_key: `msg-${backend}-approval`,
    };
    const first = await stack.a.tool("create_booking", args);
    if (backend === "rest") {
      expect(dataOf(first)).toMatchObject({ created: true });
      return;
    }
    const asked = errorOf(first);
    expect(asked).toMatchObject({
      code: "approval_required",
      message: expect.stringContaining("partner.example"),
    });
    const declined = errorOf(
      await stack.a.tool("create_booking", {
        ...args,
        approval: { token: asked.approval_token, action: "decline" },
      }),
    );
    expect(declined.code).toBe("approval_declined");
    const again = errorOf(await stack.a.tool("create_booking", args));
    const made = dataOf(
      await stack.b.tool("create_booking", {
        ...args,
        approval: { token: again.approval_token, action: "accept" },
      }),
    );
    expect(made).toMatchObject({
      created: true,
      attendees: expect.arrayContaining([expect.objectContaining({ email: "someone@partner.example" })]),
    });
    // The key now answers the event, through either instance, without asking again.
    expect(dataOf(await stack.a.tool("create_booking", args))).toMatchObject({
      created: false,
      event_id: made.event_id,
    });
  });

  test("concurrent replays on two instances over PostgreSQL make one event", async () => {
    const args = {
      customer_id: USER,
      summary: "Concurrent",
      start: `${date}T17:00:00`,
      end: `${date}T17:30:00`,
      time_zone: "Europe/Madrid",
      idempotency_key: `msg-${backend}-concurrent`,
    };
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        (index % 2 === 0 ? stack.a : stack.b).tool("create_booking", args),
      ),
    );
    const answers = results.map(dataOf);
    expect(answers.filter((answer) => answer.created === true)).toHaveLength(1);
    expect(new Set(answers.map((answer) => answer.event_id)).size).toBe(1);
    const listed = dataOf(
      await stack.a.tool("list_events", {
        customer_id: USER,
        time_min: `${date}T15:30:00Z`,
        time_max: `${date}T17:00:00Z`,
      }),
    );
    expect(
      (listed.events as { summary: string }[]).filter((event) => event.summary === "Concurrent"),
    ).toHaveLength(1);
  });

  test("Google's answer lost (we timed out while Google created the event): the replay finds it", async () => {
    const args = {
      customer_id: USER,
      summary: "Lost answer",
      start: `${date}T18:00:00`,
      end: `${date}T18:30:00`,
      time_zone: "Europe/Madrid",
      idempotency_key: `msg-${backend}-lost`,
    };
    // Google acts after our timeout (GOOGLE_HTTP_TIMEOUT_MS 1000): the event exists, our record is pending.
    const target = backend === "rest" ? "calendar:events.insert" : "mcp:create_event";
    await fetch(`${stack.emulator.url}/__emulator/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ target, delayMs: 1300, times: 1 }),
    });
    expect(errorOf(await stack.a.tool("create_booking", args)).code).toBe("google_unavailable");
    await Bun.sleep(600);
    const replay = dataOf(await stack.b.tool("create_booking", args));
    expect(replay).toMatchObject({ created: false, summary: "Lost answer" });
    const listed = dataOf(
      await stack.a.tool("list_events", {
        customer_id: USER,
        time_min: `${date}T16:30:00Z`,
        time_max: `${date}T17:30:00Z`,
      }),
    );
    expect((listed.events as { summary: string }[]).filter((e) => e.summary === "Lost answer")).toHaveLength(
      1,
    );
  });

  test("an update is refused when the event changed after it was read", async () => {
    const made = dataOf(
      await stack.a.tool("create_booking", {
        customer_id: USER,
        summary: "Review",
        start: `${date}T08:00:00`,
        end: `${date}T08:30:00`,
        time_zone: "Europe/Madrid",
      }),
    );
    const eventId = String(made.event_id);
    // Google is slow on the update's conflict check; another customer on the same Google account
    // (so no shared booking lock) renames the event meanwhile.
    await stack.connect(stack.b, `${USER}-colleague`);
    const target = backend === "rest" ? "calendar:events.list" : "mcp:list_events";
    await fetch(`${stack.emulator.url}/__emulator/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ target, delayMs: 600, times: 1 }),
    });
    const move = stack.a.tool("update_booking", {
      customer_id: USER,
      event_id: eventId,
      start: `${date}T08:30:00`,
      time_zone: "Europe/Madrid",
    });
    await Bun.sleep(200);
    const renamed = await stack.b.tool("update_booking", {
      customer_id: `${USER}-colleague`,
      event_id: eventId,
      summary: "Review (renamed)",
    });
    expect(dataOf(renamed)).toMatchObject({ summary: "Review (renamed)" });
    expect(errorOf(await move)).toMatchObject({ code: "precondition_failed", reason: "event_changed" });
  });

  test("the official SDK client: tools listed, a booking and its replay", async () => {
    const client = new Client({ name: "backends-e2e", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${stack.b.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${E2E_API_KEY}` } },
      }),
    );
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain("create_booking");
    const args = {
      customer_id: USER,
      summary: "Via SDK",
      start: `${date}T12:00:00`,
      end: `${date}T12:30:00`,
      time_zone: "Europe/Madrid",
      idempotency_key: `sdk-${backend}`,
    };
    const first = (await client.callTool({ name: "create_booking", arguments: args })) as ToolResult;
    const again = (await client.callTool({ name: "create_booking", arguments: args })) as ToolResult;
    expect(dataOf(first)).toMatchObject({ created: true });
    expect(dataOf(again)).toMatchObject({ created: false, event_id: dataOf(first).event_id });
    await client.close();
  });

  test("a connection of the old OAuth client: usable over REST, reauthorization over MCP", async () => {
    const old = await stack.startOldClientInstance();
    await stack.connect(old, "user-old-client");
    const result = await stack.a.tool("list_calendars", { customer_id: "user-old-client" });
    if (backend === "rest") {
      expect(result.isError).toBeFalsy();
    } else {
      expect(errorOf(result)).toMatchObject({
        code: "reauthorization_required",
        reason: "oauth_client_changed",
        authorization_url: expect.stringContaining("code_challenge="),
      });
    }
  });

  test("disconnect, then a revoked grant is reauthorization_required", async () => {
    // USER's colleague holds the same grant (same account, same client): it stays at Google.
    expect(dataOf(await counted("disconnect_calendar", "disconnect_calendar", {}))).toMatchObject({
      revoked: false,
      was_connected: true,
      reason: "shared_with_other_customers",
    });
    expect(cost("disconnect_calendar")).toBe(0);
    await stack.connect(stack.a, "user-revoked");
    await fetch(`${stack.emulator.url}/__emulator/revoke-grants`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: ANA }),
    });
    await fetch(`${stack.emulator.url}/__emulator/expire-tokens`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: ANA }),
    });
    const result = await stack.a.tool("list_events", { customer_id: "user-revoked" });
    expect(errorOf(result)).toMatchObject({ code: "reauthorization_required" });
  });

  test("not one Calendar REST request on the MCP backend", () => {
    if (backend === "mcp") expect(stack.googleCalls().rest).toBe(0);
    else expect(stack.googleCalls().mcp).toBe(0);
  });
});

/** An event Sam organizes and invites Ana to (needsAction), as the emulator shares it with her. */
function seedInvitation(stack: BackendStack, date: string): string {
  const organizer = "sam.lee@example.com";
  const calendar = primaryCalendar(stack.emulator.state, organizer);
  const id = `invite${Date.now().toString(32)}`;
  const start = Date.parse(`${date}T13:00:00Z`);
  const now = Date.now();
  const event = blankEvent(
    id,
    organizer,
    now,
    { kind: "dateTime", instant: start, timeZone: null },
    { kind: "dateTime", instant: start + 1_800_000, timeZone: null },
  );
  event.fields.summary = "Team lunch";
  event.attendees = [
    { email: organizer, responseStatus: "accepted", organizer: true },
    { email: ANA, responseStatus: "needsAction" },
  ];
  calendar.events.set(id, event);
  shareEventWrite(stack.emulator.state, event, now);
  return id;
}
