import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { data, eventOutput, failure, failureOf, http, McpStub } from "./mcp-stub-server.ts";

const stub = new McpStub();
const gateway = stub.gateway();
const TOKEN = "ya29.customer-token";
const EVENT_ID = "0123456789abcdefghijklmnopqrstuv0123456789abcdefghij";

afterAll(() => stub.stop());
beforeEach(() => stub.reset());

const start = { dateTime: "2026-03-10T15:00:00+01:00", timeZone: "Europe/Madrid" };
const end = { dateTime: "2026-03-10T16:00:00+01:00", timeZone: "Europe/Madrid" };

/** create_event answers with what it was given, as Google echoes the created event. */
function echoCreate() {
  stub.always("create_event", (call, id) =>
    data(eventOutput({ summary: call.args.summary, description: call.args.description }))(call, id),
  );
}

describe("insertEvent over MCP", () => {
  test("Google's field names; NONE unless told; no client id sent, a reference line instead, hidden on read", async () => {
    echoCreate();
    const event = await gateway.insertEvent(
      TOKEN,
      "primary",
      {
        summary: "Haircut",
        description: "Bring photos",
        location: "Salon",
        start,
        end,
        attendees: [{ email: "bob@example.com" }, { email: "eve@example.com", optional: true }],
        recurrence: ["RRULE:FREQ=WEEKLY;COUNT=2"],
      },
      { eventId: EVENT_ID, addMeetLink: true },
    );
    const args = stub.callsOf("create_event")[0]?.args;
    expect(args).toEqual({
      calendarId: "primary",
      summary: "Haircut",
      description: `Bring photos\n\nBooking reference: ${EVENT_ID}`,
      location: "Salon",
      startTime: start.dateTime,
      endTime: end.dateTime,
      timeZone: "Europe/Madrid",
      attendees: [{ email: "bob@example.com" }, { email: "eve@example.com", optionalAttendee: true }],
      recurrenceData: ["RRULE:FREQ=WEEKLY;COUNT=2"],
      addGoogleMeetUrl: true,
      notificationLevel: "NONE",
    });
    expect(JSON.stringify(args)).not.toContain('"id"');
    expect(event.description).toBe("Bring photos");
  });

  test("all-day spans go as midnight UTC with allDay; sendUpdates maps to notificationLevel", async () => {
    echoCreate();
    await gateway.insertEvent(
      TOKEN,
      "primary",
      { summary: "Off", start: { date: "2026-03-10" }, end: { date: "2026-03-11" } },
      { sendUpdates: "externalOnly" },
    );
    expect(stub.callsOf("create_event")[0]?.args).toMatchObject({
      startTime: "2026-03-10T00:00:00Z",
      endTime: "2026-03-11T00:00:00Z",
      allDay: true,
      notificationLevel: "EXTERNAL_ONLY",
    });
  });

  test("an event found by its reference (list_events fullText) reads back without the line", async () => {
    stub.once(
      "list_events",
      data({ events: [eventOutput({ description: `Booking reference: ${EVENT_ID}` })] }),
    );
    const page = await gateway.listEvents(TOKEN, "primary", { text: EVENT_ID });
    expect(stub.calls[0]?.args).toMatchObject({ fullText: EVENT_ID });
    expect(page.events[0]?.description).toBeNull();
  });
});

describe("patchEvent over MCP", () => {
  const updated = "2026-03-01T09:00:00.000Z";

  test("the etag is checked against a fresh get_event; a change refuses with precondition_failed and writes nothing", async () => {
    stub.always("get_event", data(eventOutput({ updated: "2026-03-02T10:00:00.000Z" })));
    const error = await failureOf(
      gateway.patchEvent(TOKEN, "primary", "evt1", { summary: "New" }, { etag: `mcp-updated:${updated}` }),
    );
    expect(error.code).toBe("precondition_failed");
    expect(stub.calls.map((c) => c.tool)).toEqual(["get_event"]);
  });

  test("an unchanged event is updated: two requests, only the given fields", async () => {
    stub.always("get_event", data(eventOutput({ updated })));
    stub.always("update_event", data(eventOutput({ summary: "New", updated: "2026-03-03T00:00:00.000Z" })));
    const event = await gateway.patchEvent(
      TOKEN,
      "primary",
      "evt1",
      { summary: "New", start, end },
      { etag: `mcp-updated:${updated}`, sendUpdates: "all" },
    );
    expect(event.etag).toBe("mcp-updated:2026-03-03T00:00:00.000Z");
    expect(stub.calls.map((c) => c.tool)).toEqual(["get_event", "update_event"]);
    expect(stub.callsOf("update_event")[0]?.args).toEqual({
      calendarId: "primary",
      eventId: "evt1",
      summary: "New",
      startTime: start.dateTime,
      endTime: end.dateTime,
      timeZone: "Europe/Madrid",
      allDay: false,
      notificationLevel: "ALL",
    });
  });

  test("without an etag or attendees the patch is one update_event", async () => {
    stub.always("update_event", data(eventOutput({ location: "Room 2" })));
    await gateway.patchEvent(TOKEN, "primary", "evt1", { location: "Room 2" }, {});
    expect(stub.calls.map((c) => c.tool)).toEqual(["update_event"]);
  });

  test("a new attendee list becomes added and removed attendees (a delta from the event now)", async () => {
    stub.always(
      "get_event",
      data(
        eventOutput({
          attendees: [
            { email: "ana@example.com", self: true, responseStatus: "accepted" },
            { email: "bob@example.com", responseStatus: "accepted" },
            { email: "carl@example.com", responseStatus: "needsAction" },
          ],
        }),
      ),
    );
    stub.always("update_event", data(eventOutput()));
    await gateway.patchEvent(
      TOKEN,
      "primary",
      "evt1",
      {
        attendees: [
          { email: "ana@example.com", responseStatus: "accepted" },
          { email: "Bob@example.com", optional: true, responseStatus: "accepted" },
          { email: "dora@example.com" },
        ],
      },
      {},
    );
    expect(stub.callsOf("update_event")[0]?.args).toMatchObject({
      addedAttendees: [{ email: "Bob@example.com", optionalAttendee: true }, { email: "dora@example.com" }],
      removedAttendeeEmails: ["carl@example.com"],
    });
  });

  test("a change of only the customer's own response goes through respond_to_event", async () => {
    const attendees = [
      { email: "org@example.com", organizer: true, responseStatus: "accepted" },
      { email: "ana@example.com", self: true, responseStatus: "needsAction" },
    ];
    stub.always("get_event", data(eventOutput({ updated, attendees })));
    stub.always(
      "respond_to_event",
      data(eventOutput({ attendees: [attendees[0], { ...attendees[1], responseStatus: "declined" }] })),
    );
    const event = await gateway.patchEvent(
      TOKEN,
      "primary",
      "evt1",
      {
        attendees: [
          { email: "org@example.com", responseStatus: "accepted" },
          { email: "ana@example.com", responseStatus: "declined" },
        ],
      },
      { etag: `mcp-updated:${updated}` },
    );
    expect(stub.calls.map((c) => c.tool)).toEqual(["get_event", "respond_to_event"]);
    expect(stub.callsOf("respond_to_event")[0]?.args).toEqual({
      calendarId: "primary",
      eventId: "evt1",
      responseStatus: "declined",
      notificationLevel: "NONE",
    });
    expect(event.attendees.find((a) => a.self === true)?.responseStatus).toBe("declined");
  });

  test("recurrence cannot be changed over MCP: invalid_argument before any request", async () => {
    const error = await failureOf(
      gateway.patchEvent(TOKEN, "primary", "evt1", { recurrence: ["RRULE:FREQ=DAILY"] }, {}),
    );
    expect(error.code).toBe("invalid_argument");
    expect(stub.calls).toHaveLength(0);
  });
});

describe("deleteEvent over MCP", () => {
  test("one delete_event; an answer with no content is fine", async () => {
    stub.always("delete_event", (_c, id) => ({ body: { jsonrpc: "2.0", id, result: { content: [] } } }));
    await gateway.deleteEvent(TOKEN, "primary", "evt1", { sendUpdates: "all" });
    expect(stub.calls.map((c) => c.args)).toEqual([
      { calendarId: "primary", eventId: "evt1", notificationLevel: "ALL" },
    ]);
  });

  test("a retry that finds the event gone means the first attempt deleted it", async () => {
    stub.once("delete_event", http(503)).once("delete_event", failure("Event not found", "isError"));
    await gateway.deleteEvent(TOKEN, "primary", "evt1", {});
    expect(stub.calls).toHaveLength(2);
  });

  test("not found on the first attempt is not_found", async () => {
    stub.always("delete_event", failure("Event not found", "rpc", { code: 404 }));
    expect((await failureOf(gateway.deleteEvent(TOKEN, "primary", "gone", {}))).code).toBe("not_found");
  });
});
