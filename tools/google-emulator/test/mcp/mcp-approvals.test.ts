import { describe, expect, test } from "bun:test";
import { BOB, type Json, mcpEmulator, OUTSIDER } from "./mcp-test-kit.ts";

const INVITE = {
  summary: "Partner call",
  startTime: "2030-01-15T10:00:00",
  endTime: "2030-01-15T11:00:00",
  attendees: [{ email: OUTSIDER }],
};

function approvalOf(answer: { json: Json }): { message: string; requestState: string } {
  const result = answer.json.result;
  expect(result.resultType).toBe("input_required");
  const request = result.inputRequests.approval;
  expect(request.method).toBe("elicitation/create");
  expect(request.params.mode).toBe("form");
  expect(request.params.requestedSchema.type).toBe("object");
  expect(typeof result.requestState).toBe("string");
  return { message: request.params.message, requestState: result.requestState };
}

const answerWith = (requestState: string, action: string, content?: unknown) => ({
  requestState,
  inputResponses: { approval: content === undefined ? { action } : { action, content } },
});

describe("Calendar MCP approvals (form elicitation, 2026-07-28 multi round-trip)", () => {
  test("inviting someone outside the domain needs approval; accept creates the event once", async () => {
    const { call, rest } = mcpEmulator();
    const { message, requestState } = approvalOf(await call("create_event", INVITE));
    expect(message).toContain(OUTSIDER);
    expect((await rest("GET", "/calendars/primary/events")).json.items).toHaveLength(0);
    const accepted = await call("create_event", INVITE, {}, answerWith(requestState, "accept", {}));
    const event = accepted.json.result.structuredContent;
    expect(event.summary).toBe("Partner call");
    expect((await rest("GET", "/calendars/primary/events")).json.items).toHaveLength(1);
    // The state is single-use: replaying the accepted call does not create a second event.
    const replay = await call("create_event", INVITE, {}, answerWith(requestState, "accept"));
    expect(replay.json.result.isError).toBe(true);
    expect((await rest("GET", "/calendars/primary/events")).json.items).toHaveLength(1);
  });

  test("a guest in the account's own domain needs no approval", async () => {
    const { call } = mcpEmulator();
    const answer = await call("create_event", { ...INVITE, attendees: [{ email: BOB }] });
    expect(answer.json.result.structuredContent.summary).toBe("Partner call");
  });

  test("decline and cancel end as tool errors and change nothing", async () => {
    const { call, rest } = mcpEmulator();
    for (const action of ["decline", "cancel"]) {
      const { requestState } = approvalOf(await call("create_event", INVITE));
      const refused = await call("create_event", INVITE, {}, answerWith(requestState, action));
      expect(refused.json.result.isError).toBe(true);
      expect(refused.json.result.structuredContent.error.status).toBe("PERMISSION_DENIED");
    }
    expect((await rest("GET", "/calendars/primary/events")).json.items).toHaveLength(0);
  });

  test("delete_event always asks; the approved delete cancels the event", async () => {
    const { call, data, rest } = mcpEmulator();
    const created = await data("create_event", {
      summary: "Doomed",
      startTime: "2030-01-15T10:00:00",
      endTime: "2030-01-15T11:00:00",
    });
    const args = { eventId: created.id };
    const { message, requestState } = approvalOf(await call("delete_event", args));
    expect(message).toContain('"Doomed"');
    const deleted = await call("delete_event", args, {}, answerWith(requestState, "accept"));
    expect(deleted.json.result.structuredContent.status).toBe("cancelled");
    expect((await rest("GET", `/calendars/primary/events/${created.id}`)).json.status).toBe("cancelled");
  });

  test("update_event adding an outside guest asks; other updates do not", async () => {
    const { call, data } = mcpEmulator();
    const created = await data("create_event", {
      summary: "Plain",
      startTime: "2030-01-15T10:00:00",
      endTime: "2030-01-15T11:00:00",
    });
    expect((await data("update_event", { eventId: created.id, summary: "Renamed" })).summary).toBe("Renamed");
    const args = { eventId: created.id, addedAttendees: [{ email: OUTSIDER }] };
    const { requestState } = approvalOf(await call("update_event", args));
    const updated = await call("update_event", args, {}, answerWith(requestState, "accept"));
    expect(updated.json.result.structuredContent.attendees.map((a: { email: string }) => a.email)).toContain(
      OUTSIDER,
    );
  });

  test("a forged, altered, foreign or expired requestState is refused and nothing happens", async () => {
    const { call, rest, token } = mcpEmulator();
    const { requestState } = approvalOf(await call("create_event", INVITE));
    const [payload, signature] = requestState.split(".");
    const forged = `${payload}.${signature?.slice(0, -2)}xx`;
    const refusals = [
      await call("create_event", INVITE, {}, answerWith(forged, "accept")),
      await call("create_event", INVITE, {}, answerWith("not-a-state", "accept")),
      await call("create_event", { ...INVITE, summary: "Other" }, {}, answerWith(requestState, "accept")),
      await call("create_event", INVITE, { token: token(BOB) }, answerWith(requestState, "accept")),
      await call("create_event", INVITE, {}, { inputResponses: { approval: { action: "accept" } } }),
      await call(
        "create_event",
        INVITE,
        {},
        { requestState, inputResponses: { other: { action: "accept" } } },
      ),
    ];
    for (const refused of refusals) {
      expect(refused.json.result.isError).toBe(true);
      expect(refused.json.result.structuredContent.error.status).toBe("INVALID_ARGUMENT");
    }
    expect((await rest("GET", "/calendars/primary/events")).json.items).toHaveLength(0);
    // The genuine state was not consumed by the failed attempts.
    const accepted = await call("create_event", INVITE, {}, answerWith(requestState, "accept"));
    expect(accepted.json.result.structuredContent.summary).toBe("Partner call");
  });

  test("a requestState older than 10 minutes is refused (and is fine before that)", async () => {
    const { call } = mcpEmulator();
    const { requestState } = approvalOf(await call("create_event", INVITE));
    const realNow = Date.now;
    const issuedAt = realNow();
    Date.now = () => issuedAt + 10 * 60_000 + 1000;
    let expired: { json: Json };
    try {
      // The bearer token is issued for an hour, so only the approval window has passed.
      expired = await call("create_event", INVITE, {}, answerWith(requestState, "accept"));
    } finally {
      Date.now = realNow;
    }
    expect(expired.json.result.isError).toBe(true);
    expect(expired.json.result.structuredContent.error.status).toBe("INVALID_ARGUMENT");
    const inTime = await call("create_event", INVITE, {}, answerWith(requestState, "accept"));
    expect(inTime.json.result.structuredContent.summary).toBe("Partner call");
  });

  test("/mcp/v1self refuses approval-needing calls and serves the rest", async () => {
    const { call, data } = mcpEmulator();
    const created = await data("create_event", {
      summary: "Keep",
      startTime: "2030-01-15T10:00:00",
      endTime: "2030-01-15T11:00:00",
    });
    const self = { endpoint: "/mcp/v1self" as const };
    const refused = await call("delete_event", { eventId: created.id }, self);
    expect(refused.json.result.isError).toBe(true);
    expect(refused.json.result.content[0].text).toBe(
      "This action requires user confirmation, which this client does not support.",
    );
    const invite = await call("create_event", INVITE, self);
    expect(invite.json.result.isError).toBe(true);
    const plain = await call("get_event", { eventId: created.id }, self);
    expect(plain.json.result.structuredContent.summary).toBe("Keep");
  });

  test("on /mcp/v1, a request whose _meta declares no elicitation gets the same refusal", async () => {
    const { call } = mcpEmulator();
    const meta = (capabilities: unknown) => ({
      _meta: { "io.modelcontextprotocol/clientCapabilities": capabilities },
    });
    const without = await call("create_event", INVITE, {}, meta({}));
    expect(without.json.result.content[0].text).toContain("does not support");
    const urlOnly = await call("create_event", INVITE, {}, meta({ elicitation: { url: {} } }));
    expect(urlOnly.json.result.isError).toBe(true);
    const withForm = await call("create_event", INVITE, {}, meta({ elicitation: { form: {} } }));
    expect(withForm.json.result.resultType).toBe("input_required");
  });
});
