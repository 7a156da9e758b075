import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { data, eventOutput, failure, failureOf, http, McpStub } from "./mcp-stub-server.ts";

const stub = new McpStub();
const gateway = stub.gateway();
const TOKEN = "ya29.customer-token";

afterAll(() => stub.stop());
beforeEach(() => stub.reset());

const window = { timeMin: new Date("2026-03-10T00:00:00Z"), timeMax: new Date("2026-03-12T00:00:00Z") };
const timed = (id: string, from: string, to: string, extra: Record<string, unknown> = {}) =>
  eventOutput({ id, start: { dateTime: from }, end: { dateTime: to }, ...extra });
const iso = (intervals: { start: Date; end: Date }[] | undefined) =>
  (intervals ?? []).map((i) => [i.start.toISOString(), i.end.toISOString()]);

describe("freeBusy derived from list_events", () => {
  test("free, declined and cancelled events do not block time; overlaps merge; all-day in the calendar's zone", async () => {
    stub.once(
      "list_events",
      data({
        timeZone: "Europe/Madrid",
        events: [
          timed("busy", "2026-03-10T09:00:00Z", "2026-03-10T10:00:00Z"),
          timed("overlap", "2026-03-10T09:30:00Z", "2026-03-10T11:00:00Z"),
          timed("free", "2026-03-10T12:00:00Z", "2026-03-10T13:00:00Z", { transparency: "transparent" }),
          timed("free-v3", "2026-03-10T13:00:00Z", "2026-03-10T14:00:00Z", {
            availability: "AVAILABILITY_FREE",
          }),
          timed("cancelled", "2026-03-10T14:00:00Z", "2026-03-10T15:00:00Z", { status: "CANCELLED" }),
          timed("declined", "2026-03-10T15:00:00Z", "2026-03-10T16:00:00Z", {
            attendees: [{ email: "ana@example.com", self: true, responseStatus: "declined" }],
          }),
          timed("tentative", "2026-03-10T16:00:00Z", "2026-03-10T17:00:00Z", {
            attendees: [{ email: "ana@example.com", self: true, responseStatus: "tentative" }],
          }),
          eventOutput({
            id: "allday",
            start: { date: "2026-03-11T00:00:00Z" },
            end: { date: "2026-03-12T00:00:00Z" },
          }),
        ],
      }),
    );
    const answer = await gateway.freeBusy(TOKEN, { ...window, calendarIds: ["primary"] });
    expect(iso(answer.get("primary")?.busy)).toEqual([
      ["2026-03-10T09:00:00.000Z", "2026-03-10T11:00:00.000Z"],
      ["2026-03-10T16:00:00.000Z", "2026-03-10T17:00:00.000Z"],
      // Midnight to midnight in Madrid (the list's zone), not in UTC.
      ["2026-03-10T23:00:00.000Z", "2026-03-11T23:00:00.000Z"],
    ]);
    expect(stub.calls[0]?.args).toMatchObject({
      calendarId: "primary",
      startTime: "2026-03-10T00:00:00.000Z",
      endTime: "2026-03-12T00:00:00.000Z",
      pageSize: 250,
    });
  });

  test("pages until Google has no next page: one request per page", async () => {
    stub
      .once(
        "list_events",
        data({ events: [timed("a", "2026-03-10T09:00:00Z", "2026-03-10T10:00:00Z")], nextPageToken: "p2" }),
      )
      .once("list_events", data({ events: [timed("b", "2026-03-10T12:00:00Z", "2026-03-10T13:00:00Z")] }));
    const answer = await gateway.freeBusy(TOKEN, { ...window, calendarIds: ["primary"] });
    expect(iso(answer.get("primary")?.busy)).toHaveLength(2);
    expect(stub.calls.map((c) => c.args.pageToken)).toEqual([undefined, "p2"]);
  });

  test("a calendar the customer cannot read is an entry with error notFound, as REST free/busy answers", async () => {
    stub.always("list_events", (call, id) =>
      call.args.calendarId === "primary"
        ? data({ events: [] })(call, id)
        : failure("The caller does not have permission", "isError")(call, id),
    );
    const answer = await gateway.freeBusy(TOKEN, { ...window, calendarIds: ["primary", "boss@example.com"] });
    expect(answer.get("primary")).toEqual({ busy: [] });
    expect(answer.get("boss@example.com")).toEqual({ busy: [], error: "notFound" });
  });

  test("other failures are not hidden in an entry", async () => {
    stub.always("list_events", http(401));
    expect((await failureOf(gateway.freeBusy(TOKEN, { ...window, calendarIds: ["primary"] }))).code).toBe(
      "google_token_rejected",
    );
  });
});
