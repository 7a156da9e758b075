import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { ApprovalTokens } from "../../../src/adapters/google-mcp/approval-token.ts";
import {
  APPROVAL_KEY,
  data,
  eventOutput,
  failure,
  failureOf,
  inputRequired,
  McpStub,
} from "./mcp-stub-server.ts";

let now = Date.parse("2026-12-04T12:00:00Z");
const stub = new McpStub();
const gateway = stub.gateway({ now: () => now });
const TOKEN = "ya29.customer-token";
const ANA = { customerId: "ana" };

afterAll(() => stub.stop());
beforeEach(() => {
  stub.reset();
  now = Date.parse("2026-12-04T12:00:00Z");
});

/** Delete evt1 as Ana; Google asks for approval: the approval_required error. */
async function approvalFor(eventId = "evt1") {
  stub.once("delete_event", inputRequired("Allow the agent to delete “Haircut”?", "opaque-state-1"));
  const error = await failureOf(gateway.deleteEvent(TOKEN, "primary", eventId, ANA));
  expect(error.code).toBe("approval_required");
  stub.calls.length = 0;
  return error;
}

describe("approvals (MRTR input_required)", () => {
  test("input_required becomes approval_required with Google's message, its form and a token", async () => {
    const error = await approvalFor();
    expect(error.message).toBe("Allow the agent to delete “Haircut”?");
    expect(error.details).toEqual({
      message: "Allow the agent to delete “Haircut”?",
      form: { type: "object", properties: { allow: { type: "boolean" } } },
      approval_token: expect.any(String),
      expires_at: "2026-12-04T12:15:00.000Z",
    });
  });

  test("accept re-sends the same tools/call with inputResponses and the same requestState", async () => {
    const error = await approvalFor();
    stub.once("delete_event", data({}));
    await gateway.deleteEvent(TOKEN, "primary", "evt1", {
      ...ANA,
      approval: { token: String(error.details.approval_token), action: "accept", content: { allow: true } },
    });
    expect(stub.calls).toHaveLength(1);
    expect(stub.calls[0]?.args).toEqual({
      calendarId: "primary",
      eventId: "evt1",
      notificationLevel: "NONE",
    });
    expect(stub.calls[0]?.params).toMatchObject({
      inputResponses: { approval: { action: "accept", content: { allow: true } } },
      requestState: "opaque-state-1",
    });
  });

  test("the token survives a token refresh: it is bound to the customer, not the access token", async () => {
    const error = await approvalFor();
    stub.once("delete_event", data({}));
    await gateway.deleteEvent("ya29.refreshed-token", "primary", "evt1", {
      ...ANA,
      approval: { token: String(error.details.approval_token), action: "accept" },
    });
    expect(stub.calls[0]?.params.requestState).toBe("opaque-state-1");
  });

  for (const action of ["decline", "cancel"] as const) {
    test(`${action} is forwarded to Google and ends as approval_declined`, async () => {
      const error = await approvalFor();
      stub.once("delete_event", failure("The user denied the action", "isError"));
      const declined = await failureOf(
        gateway.deleteEvent(TOKEN, "primary", "evt1", {
          ...ANA,
          approval: { token: String(error.details.approval_token), action },
        }),
      );
      expect(declined).toMatchObject({ code: "approval_declined", details: { action } });
      expect(stub.calls[0]?.params.inputResponses).toEqual({ approval: { action } });
    });
  }

  test("another customer cannot use the token: invalid_argument, nothing sent", async () => {
    const error = await approvalFor();
    const refused = await failureOf(
      gateway.deleteEvent(TOKEN, "primary", "evt1", {
        customerId: "mallory",
        approval: { token: String(error.details.approval_token), action: "accept" },
      }),
    );
    expect(refused).toMatchObject({ code: "invalid_argument", details: { field: "approval" } });
    expect(stub.calls).toHaveLength(0);
  });

  test("nor for other arguments (another event): refused before the write", async () => {
    const error = await approvalFor("evt1");
    const refused = await failureOf(
      gateway.deleteEvent(TOKEN, "primary", "evt2", {
        ...ANA,
        approval: { token: String(error.details.approval_token), action: "accept" },
      }),
    );
    expect(refused.code).toBe("invalid_argument");
    expect(stub.calls).toHaveLength(0);
  });

  test("nor for another tool: a delete's token on a create is refused before the write", async () => {
    const error = await approvalFor();
    const refused = await failureOf(
      gateway.insertEvent(
        TOKEN,
        "primary",
        { summary: "x", start: { date: "2026-03-10" }, end: { date: "2026-03-11" } },
        { ...ANA, approval: { token: String(error.details.approval_token), action: "accept" } },
      ),
    );
    expect(refused.code).toBe("invalid_argument");
    expect(stub.calls).toHaveLength(0);
  });

  test("nor on a read it was not issued for: refused after the read, data withheld", async () => {
    const error = await approvalFor();
    stub.once("get_event", data(eventOutput()));
    const refused = await failureOf(
      gateway.getEvent(TOKEN, "primary", "evt1", {
        ...ANA,
        approval: { token: String(error.details.approval_token), action: "accept" },
      }),
    );
    expect(refused.code).toBe("invalid_argument");
  });

  test("a forged, tampered or expired token is refused", async () => {
    const error = await approvalFor();
    const token = String(error.details.approval_token);
    const [payload, mac] = token.split(".");
    const claims = JSON.parse(Buffer.from(String(payload), "base64url").toString());
    const swapped = Buffer.from(JSON.stringify({ ...claims, requestState: "other" })).toString("base64url");
    const { v: _version, ...unversioned } = claims;
    const forged = new ApprovalTokens(new Uint8Array(32).fill(9)).seal(unversioned);
    // The same claims under our key open: only the key makes the forgery fail.
    expect(
      new ApprovalTokens(APPROVAL_KEY).open(new ApprovalTokens(APPROVAL_KEY).seal(unversioned)),
    ).not.toBeNull();
    for (const bad of [`${swapped}.${mac}`, forged, "not-a-token"]) {
      const refused = await failureOf(
        gateway.deleteEvent(TOKEN, "primary", "evt1", { ...ANA, approval: { token: bad, action: "accept" } }),
      );
      expect(refused.code).toBe("invalid_argument");
    }
    now += 16 * 60_000;
    const expired = await failureOf(
      gateway.deleteEvent(TOKEN, "primary", "evt1", { ...ANA, approval: { token, action: "accept" } }),
    );
    expect(expired.message).toContain("expired");
    expect(stub.calls).toHaveLength(0);
  });

  test("without a customer id the token is bound to the access token", async () => {
    stub.once("delete_event", inputRequired("Allow?"));
    const error = await failureOf(gateway.deleteEvent(TOKEN, "primary", "evt1", {}));
    const approval = { token: String(error.details.approval_token), action: "accept" as const };
    const refused = await failureOf(
      gateway.deleteEvent("ya29.someone-else", "primary", "evt1", { approval }),
    );
    expect(refused.code).toBe("invalid_argument");
    expect(new ApprovalTokens(APPROVAL_KEY).open(approval.token)).not.toBeNull();
  });

  test("an approval in the middle of an operation: patch re-reads, then resumes only the write", async () => {
    const updated = "2026-03-01T09:00:00.000Z";
    stub.always("get_event", data(eventOutput({ updated })));
    stub.once("update_event", inputRequired("Invite an outside guest?"));
    const changes = { summary: "With guest" };
    const options = { ...ANA, etag: `mcp-updated:${updated}` };
    const error = await failureOf(gateway.patchEvent(TOKEN, "primary", "evt1", changes, options));
    expect(error.code).toBe("approval_required");
    stub.calls.length = 0;
    stub.once("update_event", data(eventOutput({ summary: "With guest" })));
    const event = await gateway.patchEvent(TOKEN, "primary", "evt1", changes, {
      ...options,
      approval: { token: String(error.details.approval_token), action: "accept" },
    });
    expect(event.summary).toBe("With guest");
    expect(stub.calls.map((c) => [c.tool, c.params.requestState])).toEqual([
      ["get_event", undefined],
      ["update_event", "state-abc"],
    ]);
  });
});
