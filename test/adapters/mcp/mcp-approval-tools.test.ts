import { describe, expect, test } from "bun:test";
import { DomainError } from "../../../src/domain/errors.ts";
import type { DeleteOptions } from "../../../src/domain/ports/calendar-gateway.ts";
import { CUSTOMER } from "../../domain/calendar-fixtures.ts";
import { connectedClient, dataOf, errorOf, type McpWorld, mcpWorld, textOf } from "./mcp-fixtures.ts";

const MEETING = { start: "2026-01-20T10:00:00+01:00", end: "2026-01-20T11:00:00+01:00" };
const FORM = { type: "object", properties: { allow: { type: "boolean" } } };

async function call(world: McpWorld, name: string, args: Record<string, unknown>) {
  const client = await connectedClient(world.deps);
  return client.callTool({ name, arguments: { customer_id: CUSTOMER, ...args } });
}

function approvalRequired(): DomainError {
  return new DomainError("approval_required", "Allow the agent to delete “Standup”?", {
    details: {
      message: "Allow the agent to delete “Standup”?",
      form: FORM,
      approval_token: "signed-token",
      expires_at: "2026-01-15T10:15:00.000Z",
    },
  });
}

describe("approvals through our tools", () => {
  test("approval_required carries Google's message, the form and the token, and says what to do", async () => {
    const world = await mcpWorld();
    const event = world.calendar.seedEvent("primary", {
      summary: "Standup",
      start: { dateTime: MEETING.start },
      end: { dateTime: MEETING.end },
    });
    world.calendar.failNext("deleteEvent", approvalRequired());
    const result = await call(world, "cancel_booking", { event_id: event.id });
    const error = errorOf(result);
    expect(error).toMatchObject({
      code: "approval_required",
      form: FORM,
      approval_token: "signed-token",
      message: expect.stringContaining("Allow the agent to delete “Standup”?"),
    });
    expect(textOf(result)).toContain("call the same tool again with the same arguments plus");

    // The repeat carries the answer and whose call it is to the gateway.
    const seen: DeleteOptions[] = [];
    const remove = world.calendar.deleteEvent.bind(world.calendar);
    world.calendar.deleteEvent = async (token, calendarId, eventId, options) => {
      seen.push(options);
      return remove(token, calendarId, eventId, options);
    };
    const approval = { token: "signed-token", action: "accept", content: { allow: true } };
    expect(dataOf(await call(world, "cancel_booking", { event_id: event.id, approval }))).toMatchObject({
      status: "cancelled",
    });
    expect(seen[0]).toMatchObject({ customerId: CUSTOMER, approval });
  });

  test("every tool that calls Google takes the same approval argument", async () => {
    const world = await mcpWorld();
    const client = await connectedClient(world.deps);
    const { tools } = await client.listTools();
    const withApproval = tools
      .filter((tool) => "approval" in (tool.inputSchema.properties ?? {}))
      .map((tool) => tool.name)
      .sort();
    expect(withApproval).toEqual([
      "cancel_booking",
      "check_availability",
      "create_booking",
      "find_available_slots",
      "get_event",
      "list_events",
      "respond_to_invitation",
      "update_booking",
    ]);
    const schemas = tools
      .filter((tool) => withApproval.includes(tool.name))
      .map((tool) => JSON.stringify(tool.inputSchema.properties?.approval));
    expect(new Set(schemas).size).toBe(1);
  });

  test("a malformed approval action is refused by the schema before anything reaches Google", async () => {
    const world = await mcpWorld();
    const result = await call(world, "create_booking", {
      summary: "X",
      ...MEETING,
      approval: { token: "t", action: "maybe" },
    });
    expect(errorOf(result).code).toBe("invalid_argument");
    expect(world.calendar.callCount("insertEvent")).toBe(0);
  });

  test("a key reused with other arguments names the tool's arguments that differ", async () => {
    const world = await mcpWorld();
    await call(world, "create_booking", { summary: "A", ...MEETING, idempotency_key: "k1" });
    const error = errorOf(
      await call(world, "create_booking", {
        summary: "A",
        ...MEETING,
        idempotency_key: "k1",
        time_zone: "Europe/Paris",
        add_meet_link: true,
      }),
    );
    expect(error).toMatchObject({
      code: "idempotency_key_reused",
      field: "idempotency_key",
      differing_arguments: ["add_meet_link", "time_zone"],
    });
    expect(error.message).toContain("add_meet_link, time_zone");
  });
});
