import { describe, expect, test } from "bun:test";
import type { DomainError } from "../../../src/domain/errors.ts";
import { at, CUSTOMER, rejection } from "../../domain/calendar-fixtures.ts";
import { connectedClient, errorOf, type McpWorld, mcpWorld } from "./mcp-fixtures.ts";

/**
 * The domain names fields by its commands (`timeMax`, `workingHours.end`) and says nothing of
 * tool arguments; the MCP answer speaks of the arguments the model wrote.
 */

async function call(world: McpWorld, name: string, args: Record<string, unknown>) {
  const client = await connectedClient(world.deps);
  return client.callTool({ name, arguments: { customer_id: CUSTOMER, ...args } });
}

const MEETING = { start: "2026-01-20T10:00:00+01:00", end: "2026-01-20T11:00:00+01:00" };

describe("MCP error wording", () => {
  test("a field the domain names by its command is named by the tool's argument", async () => {
    const world = await mcpWorld();
    const backwards = { time_min: "2026-01-21T00:00:00Z", time_max: "2026-01-20T00:00:00Z" };
    const window = errorOf(await call(world, "check_availability", backwards));
    expect(window).toMatchObject({ field: "time_max", message: "time_max must be after time_min" });

    const hours = { ...backwards, time_max: "2026-01-22T00:00:00Z", duration_minutes: 30 };
    const late = errorOf(
      await call(world, "find_available_slots", {
        ...hours,
        working_hours: { start: "18:00", end: "09:00" },
      }),
    );
    expect(late).toMatchObject({
      field: "working_hours.end",
      message: "working_hours.end must be after working_hours.start",
    });

    const ids = errorOf(
      await call(world, "check_availability", {
        ...backwards,
        time_max: hours.time_max,
        calendar_ids: ["primary", " "],
      }),
    );
    expect(ids).toMatchObject({ field: "calendar_ids[1]", message: "calendar_ids[1] must not be empty" });

    // The domain itself speaks of its own command.
    const domain = (await rejection(
      world.services.checkAvailability.execute(CUSTOMER, {
        timeMin: at(backwards.time_min),
        timeMax: at(backwards.time_max),
      }),
    )) as DomainError;
    expect(domain.details.field).toBe("timeMax");
  });

  test("a time_conflict tells the model which argument books anyway; the domain's text does not", async () => {
    const world = await mcpWorld();
    world.calendar.seedEvent("primary", {
      start: { dateTime: MEETING.start },
      end: { dateTime: MEETING.end },
    });
    const error = errorOf(await call(world, "create_booking", { summary: "Clash", ...MEETING }));
    expect(error.code).toBe("time_conflict");
    expect(error.message).toEndWith("; pick another time or pass allow_conflicts");
    const domain = (await rejection(
      world.services.bookEvent.execute(CUSTOMER, {
        summary: "Clash",
        start: at(MEETING.start),
        end: at(MEETING.end),
      }),
    )) as DomainError;
    expect(domain.code).toBe("time_conflict");
    expect(domain.message).not.toContain("allow_conflicts");
  });
});
