import { describe, expect, test } from "bun:test";
import { DomainError } from "../../../src/domain/errors.ts";
import { CUSTOMER } from "../../domain/calendar-fixtures.ts";
import { connectedClient, dataOf, errorOf, type McpWorld, mcpWorld } from "./mcp-fixtures.ts";

/** A one-hour meeting on Tuesday 20 January 2026, 10:00 in Madrid. */
function seedMeeting(world: McpWorld, summary = "Standup") {
  return world.calendar.seedEvent("primary", {
    summary,
    start: { dateTime: "2026-01-20T10:00:00+01:00", timeZone: "Europe/Madrid" },
    end: { dateTime: "2026-01-20T11:00:00+01:00", timeZone: "Europe/Madrid" },
  });
}

async function call(world: McpWorld, name: string, args: Record<string, unknown>) {
  const client = await connectedClient(world.deps);
  return client.callTool({ name, arguments: { customer_id: CUSTOMER, ...args } });
}

describe("list_calendars", () => {
  test("lists the calendars primary first, in snake_case", async () => {
    const world = await mcpWorld();
    world.calendar.addCalendar({
      id: "team@group.calendar.google.com",
      summary: "Team",
      accessRole: "reader",
    });
    const data = dataOf(await call(world, "list_calendars", {}));
    expect(data.calendars).toEqual([
      {
        calendar_id: "user-123@gmail.com",
        summary: "user-123@gmail.com",
        time_zone: "Europe/Madrid",
        primary: true,
        access_role: "owner",
      },
      {
        calendar_id: "team@group.calendar.google.com",
        summary: "Team",
        time_zone: "UTC",
        primary: false,
        access_role: "reader",
      },
    ]);
  });
});

describe("list_events and get_event", () => {
  test("list_events answers the window's events, paged", async () => {
    const world = await mcpWorld();
    seedMeeting(world, "Standup");
    world.calendar.seedEvent("primary", {
      summary: "Lunch",
      start: { dateTime: "2026-01-20T13:00:00+01:00" },
      end: { dateTime: "2026-01-20T14:00:00+01:00" },
    });
    const args = {
      time_min: "2026-01-20",
      time_max: "2026-01-21",
      time_zone: "Europe/Madrid",
      max_results: 1,
    };
    const first = dataOf(await call(world, "list_events", args));
    expect((first.events as { summary: string }[]).map((event) => event.summary)).toEqual(["Standup"]);
    expect(first.next_page_token).toBeString();
    const second = dataOf(await call(world, "list_events", { ...args, page_token: first.next_page_token }));
    const events = second.events as Record<string, unknown>[];
    expect(events.map((event) => event.summary)).toEqual(["Lunch"]);
    // Written in the zone asked for, named beside it.
    expect(events[0]?.start).toEqual({ date_time: "2026-01-20T13:00:00+01:00", time_zone: "Europe/Madrid" });
    expect(second.next_page_token).toBeNull();
  });

  test("get_event answers one event in snake_case", async () => {
    const world = await mcpWorld();
    const seeded = seedMeeting(world);
    const data = dataOf(await call(world, "get_event", { event_id: seeded.id }));
    expect(data).toMatchObject({
      event_id: seeded.id,
      status: "confirmed",
      summary: "Standup",
      start: { date_time: "2026-01-20T10:00:00+01:00", time_zone: "Europe/Madrid" },
      recurring_event_id: null,
      transparency: "opaque",
    });
  });

  test("an unknown event is not_found", async () => {
    const world = await mcpWorld();
    const error = errorOf(await call(world, "get_event", { event_id: "nosuchevent" }));
    expect(error.code).toBe("not_found");
  });

  test("a malformed time is invalid_argument naming the field", async () => {
    const world = await mcpWorld();
    const error = errorOf(await call(world, "list_events", { time_min: "next tuesday" }));
    expect(error).toMatchObject({ code: "invalid_argument", field: "time_min" });
  });
});

describe("check_availability and find_available_slots", () => {
  test("check_availability reports the busy interval", async () => {
    const world = await mcpWorld();
    seedMeeting(world);
    const data = dataOf(
      await call(world, "check_availability", {
        time_min: "2026-01-20T08:00",
        time_max: "2026-01-20T18:00",
        time_zone: "Europe/Madrid",
      }),
    );
    expect(data.calendars).toEqual([
      {
        calendar_id: "primary",
        busy: [{ start: "2026-01-20T10:00:00+01:00", end: "2026-01-20T11:00:00+01:00" }],
      },
    ]);
  });

  test("check_availability with an offset window and no time_zone names UTC beside its UTC times", async () => {
    const world = await mcpWorld();
    seedMeeting(world);
    const data = dataOf(
      await call(world, "check_availability", {
        time_min: "2026-01-20T08:00:00+01:00",
        time_max: "2026-01-20T18:00:00+01:00",
      }),
    );
    expect(data.time_zone).toBe("UTC");
    const [calendar] = data.calendars as Array<{ busy: Array<{ start: string; end: string }> }>;
    expect(calendar?.busy).toHaveLength(1);
    expect(calendar?.busy[0]?.start).toMatch(/^2026-01-20T09:00:00(Z|\+00:00)$/);
  });

  test("find_available_slots skips busy time", async () => {
    const world = await mcpWorld();
    seedMeeting(world);
    const data = dataOf(
      await call(world, "find_available_slots", {
        time_min: "2026-01-20T09:00",
        time_max: "2026-01-20T12:00",
        duration_minutes: 60,
        time_zone: "Europe/Madrid",
      }),
    );
    expect(data.slots).toEqual([
      { start: "2026-01-20T09:00:00+01:00", end: "2026-01-20T10:00:00+01:00" },
      { start: "2026-01-20T11:00:00+01:00", end: "2026-01-20T12:00:00+01:00" },
    ]);
  });

  test("a duration out of range is invalid_argument", async () => {
    const world = await mcpWorld();
    const args = { time_min: "2026-01-20", time_max: "2026-01-21", duration_minutes: 2 };
    const error = errorOf(await call(world, "find_available_slots", args));
    expect(error).toMatchObject({ code: "invalid_argument", field: "duration_minutes" });
  });
});

describe("Google's failures", () => {
  test("rate_limited carries retry_after_seconds", async () => {
    const world = await mcpWorld();
    world.calendar.failNext(
      "listCalendars",
      new DomainError("rate_limited", "Rate Limit Exceeded", { details: { retry_after_seconds: 30 } }),
    );
    const error = errorOf(await call(world, "list_calendars", {}));
    expect(error).toMatchObject({ code: "rate_limited", retry_after_seconds: 30 });
  });

  test("insufficient_scope carries a consent link to reconnect", async () => {
    const world = await mcpWorld();
    world.calendar.failNext(
      "listCalendars",
      new DomainError("insufficient_scope", "Insufficient Permission"),
    );
    const error = errorOf(await call(world, "list_calendars", {}));
    expect(error.code).toBe("insufficient_scope");
    expect(String(error.authorization_url)).toStartWith("https://accounts.example.test/auth?");
  });

  test("google_unavailable is reported as such", async () => {
    const world = await mcpWorld();
    world.calendar.failNext("listCalendars", new DomainError("google_unavailable", "Backend Error"));
    expect(errorOf(await call(world, "list_calendars", {})).code).toBe("google_unavailable");
  });

  test("our own bugs are internal_error, their text kept out of the answer and logged by kind", async () => {
    const world = await mcpWorld();
    world.calendar.failNext("listCalendars", new TypeError("secret internals") as unknown as DomainError);
    const result = await call(world, "list_calendars", {});
    const error = errorOf(result);
    expect(error).toEqual({ code: "internal_error", message: "Internal error; try again later" });
    expect(JSON.stringify(result)).not.toContain("secret internals");
    const failed = world.logger.lines
      .map((line) => JSON.parse(line))
      .find((line) => line.event === "mcp_tool_failed");
    expect(failed).toMatchObject({ level: "error", tool: "list_calendars", kind: "TypeError" });
  });
});
