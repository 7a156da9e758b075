import { describe, expect, test } from "bun:test";
import { ANA, BOB, mcpEmulator } from "./mcp-test-kit.ts";

describe("Calendar MCP write tools over the REST API's state", () => {
  test("create_event: local time read in the calendar's zone, visible through REST events.get", async () => {
    const { data, rest, state } = mcpEmulator();
    const event = await data("create_event", {
      summary: "Kick-off",
      description: "Agenda",
      location: "Room 1",
      startTime: "2030-01-15T10:00:00",
      endTime: "2030-01-15T11:30:00",
      attendees: [{ email: BOB, displayName: "Bob" }],
      addGoogleMeetUrl: true,
      notificationLevel: "NONE",
    });
    expect(event.start).toEqual({ dateTime: "2030-01-15T10:00:00+01:00", timeZone: "Europe/Madrid" });
    expect(event.end).toEqual({ dateTime: "2030-01-15T11:30:00+01:00", timeZone: "Europe/Madrid" });
    expect(event.conferenceUrl).toMatch(/^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
    // The organizer is added to a primary-calendar event that has another attendee.
    expect(event.attendees).toEqual([
      { email: ANA, responseStatus: "accepted", self: true, organizer: true },
      { email: BOB, displayName: "Bob", responseStatus: "needsAction" },
    ]);
    const viaRest = await rest("GET", `/calendars/primary/events/${event.id}`);
    expect(viaRest.status).toBe(200);
    expect(viaRest.json.summary).toBe("Kick-off");
    expect(viaRest.json.hangoutLink).toBe(event.conferenceUrl);
    expect(viaRest.json.start.dateTime).toBe("2030-01-15T10:00:00+01:00");
    expect(state.counters.mcpCalls.get("create_event")).toBe(1);
  });

  test("create_event: an offset is honoured, timeZone overrides it, all-day events use dates", async () => {
    const { data } = mcpEmulator();
    const offset = await data("create_event", {
      summary: "UTC",
      startTime: "2030-01-15T10:00:00Z",
      endTime: "2030-01-15T11:00:00Z",
    });
    expect(offset.start.dateTime).toBe("2030-01-15T11:00:00+01:00");
    const zoned = await data("create_event", {
      summary: "Tokyo",
      startTime: "2030-01-15T10:00:00+05:00",
      endTime: "2030-01-15T11:00:00",
      timeZone: "Asia/Tokyo",
    });
    expect(zoned.start).toEqual({ dateTime: "2030-01-15T10:00:00+09:00", timeZone: "Asia/Tokyo" });
    const allDay = await data("create_event", {
      summary: "Off",
      startTime: "2030-01-20",
      endTime: "2030-01-20",
      allDay: true,
    });
    expect(allDay.start).toEqual({ date: "2030-01-20T00:00:00Z" });
    expect(allDay.end).toEqual({ date: "2030-01-21T00:00:00Z" });
    const recurring = await data("create_event", {
      summary: "Weekly",
      startTime: "2030-01-15T09:00:00",
      endTime: "2030-01-15T09:30:00",
      recurrenceData: ["RRULE:FREQ=WEEKLY;COUNT=3"],
      availability: "AVAILABILITY_FREE",
      eventType: "FOCUS_TIME",
    });
    expect(recurring.recurrence).toEqual(["RRULE:FREQ=WEEKLY;COUNT=3"]);
    expect(recurring.transparency).toBe("transparent");
    expect(recurring.eventType).toBe("FOCUS_TIME");
  });

  test("create_event refuses what Google refuses: missing fields, end before start, bad values", async () => {
    const { call } = mcpEmulator();
    const noSummary = await call("create_event", {
      startTime: "2030-01-15T10:00:00",
      endTime: "2030-01-15T11:00:00",
    });
    expect(noSummary.json.result.content[0].text).toBe("Missing required field: summary");
    const backwards = await call("create_event", {
      summary: "x",
      startTime: "2030-01-15T11:00:00",
      endTime: "2030-01-15T10:00:00",
    });
    expect(backwards.json.result.structuredContent.error.status).toBe("INVALID_ARGUMENT");
    const badTime = await call("create_event", {
      summary: "x",
      startTime: "tomorrow",
      endTime: "2030-01-15T10:00:00",
    });
    expect(badTime.json.result.content[0].text).toBe("Invalid startTime: tomorrow");
    const birthday = await call("create_event", {
      summary: "x",
      startTime: "2030-01-15T10:00:00",
      endTime: "2030-01-15T11:00:00",
      eventType: "BIRTHDAY",
    });
    expect(birthday.json.result.isError).toBe(true);
  });

  test("update_event: only the given fields change; moving the start keeps the duration", async () => {
    const { data, rest } = mcpEmulator();
    const created = await data("create_event", {
      summary: "Old",
      location: "A",
      startTime: "2030-01-15T10:00:00",
      endTime: "2030-01-15T11:30:00",
    });
    const updated = await data("update_event", {
      eventId: created.id,
      summary: "New",
      startTime: "2030-01-16T09:00:00",
    });
    expect(updated.summary).toBe("New");
    expect(updated.location).toBe("A");
    expect(updated.start.dateTime).toBe("2030-01-16T09:00:00+01:00");
    expect(updated.end.dateTime).toBe("2030-01-16T10:30:00+01:00");
    const withGuests = await data("update_event", { eventId: created.id, addedAttendees: [{ email: BOB }] });
    expect(withGuests.attendees.map((a: { email: string }) => a.email)).toEqual([ANA, BOB]);
    const without = await data("update_event", { eventId: created.id, removedAttendeeEmails: [BOB] });
    expect(without.attendees.map((a: { email: string }) => a.email)).toEqual([ANA]);
    const viaRest = await rest("GET", `/calendars/primary/events/${created.id}`);
    expect(viaRest.json.summary).toBe("New");
    expect(viaRest.json.sequence).toBeGreaterThan(0);
  });

  test("update_event on an all-day event keeps it all-day; moving its start keeps its length", async () => {
    const { data } = mcpEmulator();
    const created = await data("create_event", {
      summary: "Trip",
      startTime: "2030-02-01",
      endTime: "2030-02-04",
      allDay: true,
    });
    const zoneOnly = await data("update_event", { eventId: created.id, timeZone: "Asia/Tokyo" });
    expect(zoneOnly.start).toEqual({ date: "2030-02-01T00:00:00Z" });
    const moved = await data("update_event", { eventId: created.id, startTime: "2030-02-10" });
    expect([moved.start, moved.end]).toEqual([
      { date: "2030-02-10T00:00:00Z" },
      { date: "2030-02-13T00:00:00Z" },
    ]);
    const timed = await data("update_event", {
      eventId: created.id,
      allDay: false,
      startTime: "2030-02-10T09:00:00",
      endTime: "2030-02-10T10:00:00",
    });
    expect(timed.start.dateTime).toBe("2030-02-10T09:00:00+01:00");
  });

  test("an event changed through REST is seen changed by MCP update_event and vice versa", async () => {
    const { data, rest } = mcpEmulator();
    const created = await data("create_event", {
      summary: "Shared",
      startTime: "2030-01-15T10:00:00",
      endTime: "2030-01-15T11:00:00",
    });
    await rest("PATCH", `/calendars/primary/events/${created.id}`, { description: "from REST" });
    const updated = await data("update_event", { eventId: created.id, location: "from MCP" });
    expect(updated.description).toBe("from REST");
    const viaRest = await rest("GET", `/calendars/primary/events/${created.id}`);
    expect(viaRest.json.location).toBe("from MCP");
  });

  test("respond_to_event: the user's own response and comment", async () => {
    const { data } = mcpEmulator();
    const created = await data("create_event", {
      summary: "Invite",
      startTime: "2030-01-15T10:00:00",
      endTime: "2030-01-15T11:00:00",
      attendees: [{ email: BOB }],
    });
    const declined = await data("respond_to_event", {
      eventId: created.id,
      responseStatus: "declined",
      responseComment: "Away",
    });
    const self = declined.attendees.find((a: { self?: boolean }) => a.self === true);
    expect(self).toEqual(
      expect.objectContaining({ email: ANA, responseStatus: "declined", comment: "Away" }),
    );
    const bob = declined.attendees.find((a: { email: string }) => a.email === BOB);
    expect(bob.responseStatus).toBe("needsAction");
  });

  test("update_event, respond_to_event and delete_event on an unknown event: NOT_FOUND", async () => {
    const { call } = mcpEmulator();
    for (const [tool, args] of [
      ["update_event", { eventId: "unknownevent1", summary: "x" }],
      ["respond_to_event", { eventId: "unknownevent1", responseStatus: "accepted" }],
      ["delete_event", { eventId: "unknownevent1" }],
    ] as const) {
      const answer = await call(tool, args);
      expect(answer.json.result.structuredContent.error.status).toBe("NOT_FOUND");
    }
  });
});
