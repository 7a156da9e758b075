/**
 * Invitations between two emulator accounts through the Calendar MCP tools: Ana invites Bob
 * with create_event, Bob sees it in his calendar and answers with respond_to_event.
 */

import { describe, expect, test } from "bun:test";
import { ANA, BOB, type Json, mcpEmulator } from "./mcp-test-kit.ts";

const DAY = "2030-01-15";

async function invited() {
  const kit = mcpEmulator();
  const bob = kit.token(BOB);
  const created = await kit.data("create_event", {
    summary: "Invite",
    startTime: `${DAY}T10:00:00`,
    endTime: `${DAY}T11:00:00`,
    attendees: [{ email: BOB }],
  });
  const asBob = (tool: string, args: Record<string, unknown>) => kit.data(tool, args, { token: bob });
  const callAsBob = (tool: string, args: Record<string, unknown>) => kit.call(tool, args, { token: bob });
  /** delete_event always asks for approval: ask, then accept. */
  const approvedDelete = async (eventId: string, token?: string): Promise<Json> => {
    const options = token === undefined ? {} : { token };
    const asked = await kit.call("delete_event", { eventId }, options);
    const requestState = asked.json.result.requestState;
    const done = await kit.call("delete_event", { eventId }, options, {
      requestState,
      inputResponses: { approval: { action: "accept" } },
    });
    return done.json.result.structuredContent;
  };
  return { ...kit, bob, id: String(created.id), asBob, callAsBob, approvedDelete };
}

const attendee = (event: Json, email: string): Json =>
  event.attendees.find((a: { email: string }) => a.email === email);

describe("Calendar MCP: invitations between emulator accounts", () => {
  test("the invitation is in Bob's calendar; respond_to_event answers it for Ana to see", async () => {
    const { data, asBob, id } = await invited();
    const seen = await asBob("get_event", { eventId: id });
    expect(seen.organizer).toEqual({ email: ANA });
    expect(attendee(seen, ANA)).toEqual({ email: ANA, responseStatus: "accepted", organizer: true });
    expect(attendee(seen, BOB)).toEqual({ email: BOB, responseStatus: "needsAction", self: true });
    const listed = await asBob("list_events", { startTime: `${DAY}T00:00:00`, endTime: `${DAY}T23:59:00` });
    expect(listed.events.map((e: { id: string }) => e.id)).toEqual([id]);

    const answered = await asBob("respond_to_event", {
      eventId: id,
      responseStatus: "accepted",
      responseComment: "Will be there",
    });
    expect(attendee(answered, BOB)).toEqual({
      email: BOB,
      responseStatus: "accepted",
      self: true,
      comment: "Will be there",
    });
    const anas = await data("get_event", { eventId: id });
    expect(attendee(anas, BOB)).toEqual({ email: BOB, responseStatus: "accepted", comment: "Will be there" });
  });

  test("update_event by Bob is refused; Ana's move reaches Bob", async () => {
    const { data, asBob, callAsBob, id } = await invited();
    const refused = await callAsBob("update_event", { eventId: id, summary: "Mine" });
    expect(refused.json.result.isError).toBe(true);
    expect(refused.json.result.structuredContent.error).toEqual({
      code: 403,
      status: "PERMISSION_DENIED",
      message: "Shared properties can only be changed by the organizer of the event.",
    });
    await data("update_event", { eventId: id, startTime: `${DAY}T15:00:00`, summary: "Moved" });
    const seen = await asBob("get_event", { eventId: id });
    expect(seen.summary).toBe("Moved");
    expect(seen.start).toEqual({ dateTime: `${DAY}T15:00:00+01:00`, timeZone: "Europe/Madrid" });
  });

  test("delete_event by Bob removes his copy and declines; Ana's delete cancels Bob's", async () => {
    const first = await invited();
    const removed = await first.approvedDelete(first.id, first.bob);
    expect(removed.status).toBe("cancelled");
    const bobsList = await first.asBob("list_events", {
      startTime: `${DAY}T00:00:00`,
      endTime: `${DAY}T23:59:00`,
    });
    expect(bobsList.events).toEqual([]);
    const anas = await first.data("get_event", { eventId: first.id });
    expect(anas.status).toBe("confirmed");
    expect(attendee(anas, BOB).responseStatus).toBe("declined");

    const second = await invited();
    await second.approvedDelete(second.id);
    const seen = await second.asBob("get_event", { eventId: second.id });
    expect(seen.status).toBe("cancelled");
    const answer = await second.callAsBob("respond_to_event", {
      eventId: second.id,
      responseStatus: "accepted",
    });
    expect(answer.json.result.structuredContent.error.status).toBe("NOT_FOUND");
  });

  test("suggest_time counts an invitation as busy for Bob until he declines", async () => {
    const { asBob, id } = await invited();
    const slots = async (): Promise<string[]> => {
      const answer = await asBob("suggest_time", {
        attendeeEmails: ["primary"],
        startTime: `${DAY}T09:00:00`,
        endTime: `${DAY}T12:00:00`,
        timeZone: "Europe/Madrid",
        durationMinutes: 60,
      });
      return answer.timeSlots.map((s: { startTime: string; endTime: string }) =>
        [s.startTime.slice(11, 16), s.endTime.slice(11, 16)].join("-"),
      );
    };
    expect(await slots()).toEqual(["09:00-10:00", "11:00-12:00"]);
    await asBob("respond_to_event", { eventId: id, responseStatus: "declined" });
    expect(await slots()).toEqual(["09:00-12:00"]);
  });
});
