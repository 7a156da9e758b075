import { describe, expect, test } from "bun:test";
import { DomainError } from "../../../src/domain/errors.ts";
import { ACCOUNT, CUSTOMER } from "../../domain/calendar-fixtures.ts";
import { connectedClient, dataOf, errorOf, type McpWorld, mcpWorld, textOf } from "./mcp-fixtures.ts";

const DENTIST = {
  summary: "Dentist",
  start: "2026-01-20T10:00",
  end: "2026-01-20T11:00",
  time_zone: "Europe/Madrid",
};

async function call(world: McpWorld, name: string, args: Record<string, unknown>) {
  const client = await connectedClient(world.deps);
  return client.callTool({ name, arguments: { customer_id: CUSTOMER, ...args } });
}

describe("create_booking", () => {
  test("books a free slot and answers the event in snake_case", async () => {
    const world = await mcpWorld();
    const result = await call(world, "create_booking", {
      ...DENTIST,
      attendees: [{ email: "dr@example.com" }],
      add_meet_link: true,
    });
    const data = dataOf(result);
    expect(data).toMatchObject({
      status: "confirmed",
      summary: "Dentist",
      start: { date_time: "2026-01-20T10:00:00+01:00", time_zone: "Europe/Madrid" },
      end: { date_time: "2026-01-20T11:00:00+01:00", time_zone: "Europe/Madrid" },
      attendees: [{ email: "dr@example.com", response_status: "needsAction" }],
      created: true,
    });
    expect(data.event_id).toBeString();
    expect(data.html_link).toStartWith("https://www.google.com/calendar/event?eid=");
    expect(data.meet_link).toStartWith("https://meet.google.com/");
    expect(world.calendar.storedEvents()).toHaveLength(1);
    expect(textOf(result)).toStartWith('Booked: "Dentist"');
  });

  test("a clash is time_conflict listing the busy time, and nothing is booked", async () => {
    const world = await mcpWorld();
    world.calendar.seedEvent("primary", {
      start: { dateTime: "2026-01-20T10:30:00+01:00" },
      end: { dateTime: "2026-01-20T11:30:00+01:00" },
    });
    const error = errorOf(await call(world, "create_booking", DENTIST));
    expect(error.code).toBe("time_conflict");
    // The whole busy block, not clipped to the booking's hour, in the calendar's zone.
    expect(error.conflicts).toEqual([
      { start: "2026-01-20T10:30:00+01:00", end: "2026-01-20T11:30:00+01:00" },
    ]);
    expect(world.calendar.storedEvents()).toHaveLength(1);
  });

  test("allow_conflicts books over busy time", async () => {
    const world = await mcpWorld();
    world.calendar.seedEvent("primary", {
      start: { dateTime: "2026-01-20T10:30:00+01:00" },
      end: { dateTime: "2026-01-20T11:30:00+01:00" },
    });
    const data = dataOf(await call(world, "create_booking", { ...DENTIST, allow_conflicts: true }));
    expect(data.created).toBe(true);
  });

  test("a replayed idempotency_key answers the same event with created false", async () => {
    const world = await mcpWorld();
    const args = { ...DENTIST, idempotency_key: "msg-42" };
    const first = dataOf(await call(world, "create_booking", args));
    const replay = dataOf(await call(world, "create_booking", args));
    expect(first.created).toBe(true);
    expect(replay).toEqual({ ...first, created: false });
    expect(world.calendar.storedEvents()).toHaveLength(1);
  });

  test("a customer without a calendar gets calendar_not_connected with a consent link", async () => {
    const world = await mcpWorld();
    const client = await connectedClient(world.deps);
    const result = await client.callTool({
      name: "create_booking",
      arguments: { ...DENTIST, customer_id: "user-456" },
    });
    const error = errorOf(result);
    expect(error.code).toBe("calendar_not_connected");
    expect(String(error.authorization_url)).toStartWith("https://accounts.example.test/auth?state=");
  });

  test("end before start is invalid_argument", async () => {
    const world = await mcpWorld();
    const error = errorOf(await call(world, "create_booking", { ...DENTIST, end: "2026-01-20T09:00" }));
    expect(error).toMatchObject({ code: "invalid_argument", field: "end" });
  });
});

describe("update_booking", () => {
  test("a new start alone moves the event and keeps its length", async () => {
    const world = await mcpWorld();
    const booked = dataOf(await call(world, "create_booking", DENTIST));
    const moved = dataOf(
      await call(world, "update_booking", {
        event_id: booked.event_id,
        start: "2026-01-20T15:00",
        time_zone: "Europe/Madrid",
      }),
    );
    expect(moved).toMatchObject({
      event_id: booked.event_id,
      start: { date_time: "2026-01-20T15:00:00+01:00" },
      end: { date_time: "2026-01-20T16:00:00+01:00" },
    });
  });

  test("an event changed elsewhere meanwhile is precondition_failed", async () => {
    const world = await mcpWorld();
    const booked = dataOf(await call(world, "create_booking", DENTIST));
    world.calendar.failNext("patchEvent", new DomainError("precondition_failed", "Precondition Failed"));
    const error = errorOf(
      await call(world, "update_booking", { event_id: booked.event_id, summary: "Dentist (moved)" }),
    );
    expect(error.code).toBe("precondition_failed");
  });
});

describe("cancel_booking", () => {
  test("cancels, and a second cancel is not_found", async () => {
    const world = await mcpWorld();
    const booked = dataOf(await call(world, "create_booking", DENTIST));
    const cancelled = dataOf(await call(world, "cancel_booking", { event_id: booked.event_id }));
    expect(cancelled).toEqual({ event_id: booked.event_id, calendar_id: "primary", status: "cancelled" });
    const again = errorOf(await call(world, "cancel_booking", { event_id: booked.event_id }));
    expect(again).toMatchObject({ code: "not_found", deleted: true });
  });
});

describe("respond_to_invitation", () => {
  test("records the user's answer", async () => {
    const world = await mcpWorld();
    const invite = world.calendar.seedEvent("primary", {
      summary: "Board meeting",
      start: { dateTime: "2026-01-21T10:00:00+01:00" },
      end: { dateTime: "2026-01-21T11:00:00+01:00" },
      organizerEmail: "boss@example.com",
      attendees: [
        { email: "boss@example.com", responseStatus: "accepted", organizer: true },
        { email: ACCOUNT, responseStatus: "needsAction", self: true },
      ],
    });
    const data = dataOf(
      await call(world, "respond_to_invitation", { event_id: invite.id, response: "declined" }),
    );
    expect(data).toMatchObject({
      event_id: invite.id,
      summary: "Board meeting",
      start: { date_time: "2026-01-21T10:00:00+01:00" },
      response_status: "declined",
    });
    const stored = world.calendar.storedEvents().find((event) => event.id === invite.id);
    expect(stored?.attendees.find((attendee) => attendee.self)?.responseStatus).toBe("declined");
  });

  test("an event the user is not invited to is invalid_argument", async () => {
    const world = await mcpWorld();
    const own = world.calendar.seedEvent("primary", {
      start: { dateTime: "2026-01-21T10:00:00+01:00" },
      end: { dateTime: "2026-01-21T11:00:00+01:00" },
    });
    const error = errorOf(
      await call(world, "respond_to_invitation", { event_id: own.id, response: "accepted" }),
    );
    expect(error).toMatchObject({ code: "invalid_argument", field: "event_id" });
  });
});
