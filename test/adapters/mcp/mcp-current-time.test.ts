import { describe, expect, test } from "bun:test";
import { CUSTOMER } from "../../domain/calendar-fixtures.ts";
import { connectedClient, dataOf, errorOf, mcpWorld } from "./mcp-fixtures.ts";

// The world's clock: 2026-01-15T10:00:00Z, a Thursday; the calendar is in Europe/Madrid.
describe("current_time", () => {
  test("without time_zone: now in the calendar's zone, for one Google request", async () => {
    const world = await mcpWorld();
    const client = await connectedClient(world.deps);
    const answer = await client.callTool({ name: "current_time", arguments: { customer_id: CUSTOMER } });
    expect(dataOf(answer)).toEqual({
      now: "2026-01-15T10:00:00Z",
      time_zone: "Europe/Madrid",
      time_zone_source: "calendar",
      date_time: "2026-01-15T11:00:00+01:00",
      date: "2026-01-15",
      weekday: "Thursday",
      time: "11:00",
      utc_offset: "+01:00",
    });
    expect(world.calendar.callCount()).toBe(1);
    expect((answer.content as { text: string }[])[0]?.text).toStartWith(
      "It is Thursday 2026-01-15 11:00 in Europe/Madrid (UTC+01:00).",
    );
  });

  test("with time_zone: read there, and Google is not asked at all", async () => {
    const world = await mcpWorld();
    const client = await connectedClient(world.deps);
    const answer = await client.callTool({
      name: "current_time",
      arguments: { customer_id: "never-connected", time_zone: "america/new_york" },
    });
    expect(dataOf(answer)).toMatchObject({
      time_zone: "America/New_York",
      time_zone_source: "argument",
      date_time: "2026-01-15T05:00:00-05:00",
      weekday: "Thursday",
      utc_offset: "-05:00",
    });
    expect(world.calendar.callCount()).toBe(0);
    const bad = errorOf(
      await client.callTool({
        name: "current_time",
        arguments: { customer_id: CUSTOMER, time_zone: "Mars/Base" },
      }),
    );
    expect(bad).toMatchObject({ code: "invalid_argument", field: "time_zone" });
  });

  test("is announced read-only", async () => {
    const { deps } = await mcpWorld();
    const { tools } = await (await connectedClient(deps)).listTools();
    expect(tools.find((tool) => tool.name === "current_time")?.annotations).toMatchObject({
      readOnlyHint: true,
      destructiveHint: false,
    });
  });
});
