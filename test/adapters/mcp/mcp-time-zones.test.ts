import { describe, expect, test } from "bun:test";
import { CUSTOMER } from "../../domain/calendar-fixtures.ts";
import { connectedClient, dataOf, errorOf, mcpWorld } from "./mcp-fixtures.ts";

/** Sam's calendar is in New York; they book "5pm Madrid time". */
async function samsWorld() {
  const world = await mcpWorld({ timeZone: "America/New_York" });
  const client = await connectedClient(world.deps);
  const call = (name: string, args: Record<string, unknown>) =>
    client.callTool({ name, arguments: { customer_id: CUSTOMER, ...args } });
  return { world, call };
}

describe("every time is written in the zone shown beside it", () => {
  test("a booking in Madrid time reads 17:00+01:00 beside Europe/Madrid, not 11:00-05:00", async () => {
    const { call } = await samsWorld();
    const booked = dataOf(
      await call("create_booking", {
        summary: "Haircut",
        start: "2026-01-23T17:00",
        end: "2026-01-23T18:00",
        time_zone: "Europe/Madrid",
      }),
    );
    expect(booked.start).toEqual({ date_time: "2026-01-23T17:00:00+01:00", time_zone: "Europe/Madrid" });
    const eventId = booked.event_id as string;
    const inNewYork = dataOf(await call("get_event", { event_id: eventId, time_zone: "America/New_York" }));
    expect(inNewYork.start).toEqual({
      date_time: "2026-01-23T11:00:00-05:00",
      time_zone: "America/New_York",
    });
    const own = dataOf(await call("get_event", { event_id: eventId }));
    expect(own.start).toEqual({ date_time: "2026-01-23T17:00:00+01:00", time_zone: "Europe/Madrid" });
    const moved = dataOf(await call("update_booking", { event_id: eventId, start: "2026-01-23T18:00" }));
    expect(moved.start).toEqual({ date_time: "2026-01-23T18:00:00+01:00", time_zone: "Europe/Madrid" });
  });

  test("list_events without time_zone writes an event with no zone of its own in the calendar's zone, named", async () => {
    const { world, call } = await samsWorld();
    world.calendar.seedEvent("primary", {
      start: { dateTime: "2026-01-23T15:00:00Z" },
      end: { dateTime: "2026-01-23T16:00:00Z" },
    });
    const listed = dataOf(
      await call("list_events", { time_min: "2026-01-23T00:00:00Z", time_max: "2026-01-24T00:00:00Z" }),
    );
    const [event] = listed.events as Array<{ start: unknown }>;
    expect(event?.start).toEqual({ date_time: "2026-01-23T10:00:00-05:00", time_zone: "America/New_York" });
  });

  test("time_conflict lists whole busy blocks in the zone asked for, else the calendar's", async () => {
    const { world, call } = await samsWorld();
    world.calendar.seedEvent("primary", {
      start: { dateTime: "2026-01-23T10:00:00-05:00" },
      end: { dateTime: "2026-01-23T13:00:00-05:00" },
    });
    const utc = errorOf(
      await call("create_booking", {
        summary: "Call",
        start: "2026-01-23T16:00:00Z",
        end: "2026-01-23T16:30:00Z",
      }),
    );
    expect(utc.conflicts).toEqual([{ start: "2026-01-23T10:00:00-05:00", end: "2026-01-23T13:00:00-05:00" }]);
    const madrid = errorOf(
      await call("create_booking", {
        summary: "Call",
        start: "2026-01-23T17:00",
        end: "2026-01-23T17:30",
        time_zone: "Europe/Madrid",
      }),
    );
    expect(madrid.conflicts).toEqual([
      { start: "2026-01-23T16:00:00+01:00", end: "2026-01-23T19:00:00+01:00" },
    ]);
  });

  test("a bad time_zone on get_event costs no Google request", async () => {
    const { world, call } = await samsWorld();
    const error = errorOf(await call("get_event", { event_id: "x", time_zone: "Nowhere/City" }));
    expect(error).toMatchObject({ code: "invalid_argument", field: "time_zone" });
    expect(world.calendar.callCount()).toBe(0);
  });
});
