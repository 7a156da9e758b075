import { describe, expect, test } from "bun:test";
import { ANA, BOB, localDay, mcpEmulator } from "./mcp-test-kit.ts";

describe("Calendar MCP read tools over the REST API's state", () => {
  test("list_calendars: the primary calendar with its id, summary and zone", async () => {
    const { data } = mcpEmulator();
    expect(await data("list_calendars")).toEqual({
      calendars: [{ id: ANA, summary: ANA, timeZone: "Europe/Madrid" }],
    });
  });

  test("an event created through REST is listed and read through MCP, in the MCP event shape", async () => {
    const { data, rest } = mcpEmulator();
    const created = await rest("POST", "/calendars/primary/events", {
      summary: "Design review",
      location: "Room 4",
      start: { dateTime: localDay(1, 10), timeZone: "Europe/Madrid" },
      end: { dateTime: localDay(1, 11), timeZone: "Europe/Madrid" },
      attendees: [{ email: BOB, optional: true }],
    });
    expect(created.status).toBe(200);
    const listed = await data("list_events");
    expect(listed.timeZone).toBe("Europe/Madrid");
    expect(listed.accessRole).toBe("owner");
    expect(listed.events.map((e: { id: string }) => e.id)).toEqual([created.json.id]);
    const event = await data("get_event", { eventId: created.json.id });
    expect(event).toEqual(listed.events[0]);
    expect(event.summary).toBe("Design review");
    expect(event.start.timeZone).toBe("Europe/Madrid");
    expect(event.start.dateTime).toMatch(/T10:00:00\+0[12]:00$/);
    expect(event.attendees).toEqual([{ email: BOB, responseStatus: "needsAction", optionalAttendee: true }]);
    expect(event.eventType).toBe("DEFAULT");
    expect(event.transparency).toBe("opaque");
    expect(event.organizer).toEqual({ email: ANA, self: true });
    for (const absent of ["etag", "iCalUID", "kind", "sequence", "hangoutLink", "conferenceData"]) {
      expect(event).not.toHaveProperty(absent);
    }
  });

  test("list_events defaults to the next 7 days, expands recurring events and honours a window", async () => {
    const { data, rest } = mcpEmulator();
    await rest("POST", "/calendars/primary/events", {
      summary: "Standup",
      start: { dateTime: localDay(-3, 9), timeZone: "Europe/Madrid" },
      end: { dateTime: localDay(-3, 10), timeZone: "Europe/Madrid" },
      recurrence: ["RRULE:FREQ=DAILY;COUNT=30"],
    });
    await rest("POST", "/calendars/primary/events", {
      summary: "Far away",
      start: { dateTime: `${localDay(20, 9)}Z` },
      end: { dateTime: `${localDay(20, 10)}Z` },
    });
    const week = await data("list_events");
    const standups = week.events.filter((e: { summary: string }) => e.summary === "Standup");
    expect(standups.length).toBeGreaterThanOrEqual(7);
    expect(standups.length).toBeLessThanOrEqual(8);
    expect(standups.every((e: { recurringEventId?: string }) => typeof e.recurringEventId === "string")).toBe(
      true,
    );
    expect(week.events.some((e: { summary: string }) => e.summary === "Far away")).toBe(false);
    const later = await data("list_events", {
      startTime: localDay(19, 0),
      endTime: localDay(22, 0),
      fullText: "far",
    });
    expect(later.events.map((e: { summary: string }) => e.summary)).toEqual(["Far away"]);
  });

  test("list_events pages with pageSize and pageToken, keeping the first page's window", async () => {
    const { data, call } = mcpEmulator();
    for (let i = 0; i < 5; i += 1) {
      await data("create_event", {
        summary: `E${i}`,
        startTime: localDay(1, 8 + i),
        endTime: localDay(1, 9 + i),
      });
    }
    const first = await data("list_events", { pageSize: 2 });
    expect(first.events.map((e: { summary: string }) => e.summary)).toEqual(["E0", "E1"]);
    const second = await data("list_events", { pageSize: 2, pageToken: first.nextPageToken });
    const third = await data("list_events", { pageSize: 2, pageToken: second.nextPageToken });
    expect(second.events.map((e: { summary: string }) => e.summary)).toEqual(["E2", "E3"]);
    expect(third.events.map((e: { summary: string }) => e.summary)).toEqual(["E4"]);
    expect(third.nextPageToken).toBeUndefined();
    const desc = await data("list_events", { orderBy: "startTimeDesc", pageSize: 1 });
    expect(desc.events[0].summary).toBe("E4");
    const bad = await call("list_events", { pageToken: "garbage!" });
    expect(bad.json.result.isError).toBe(true);
  });

  test("list_events filters by eventType, by default leaving out working-location events", async () => {
    const { data } = mcpEmulator();
    const base = { startTime: localDay(1, 9), endTime: localDay(1, 17) };
    await data("create_event", { ...base, summary: "Office", eventType: "WORKING_LOCATION" });
    await data("create_event", { ...base, summary: "Heads down", eventType: "FOCUS_TIME" });
    const summaries = async (args: Record<string, unknown>) =>
      (await data("list_events", args)).events.map((e: { summary: string }) => e.summary);
    expect(await summaries({})).toEqual(["Heads down"]);
    expect(await summaries({ eventType: ["WORKING_LOCATION"] })).toEqual(["Office"]);
    expect(await summaries({ eventTypeFilter: ["workingLocation", "focusTime"] })).toHaveLength(2);
  });

  test("search_events matches every term in title, description, location or attendees", async () => {
    const { data } = mcpEmulator();
    await data("create_event", {
      summary: "Quarterly budget",
      description: "numbers",
      startTime: localDay(2, 9),
      endTime: localDay(2, 10),
    });
    await data("create_event", {
      summary: "Budget lunch",
      location: "Cafe",
      startTime: localDay(3, 12),
      endTime: localDay(3, 13),
    });
    const both = await data("search_events", { query: "BUDGET" });
    expect(both.events.map((e: { summary: string }) => e.summary)).toEqual([
      "Quarterly budget",
      "Budget lunch",
    ]);
    const one = await data("search_events", { query: "budget cafe" });
    expect(one.events.map((e: { summary: string }) => e.summary)).toEqual(["Budget lunch"]);
  });

  test("suggest_time: free periods common to the attendees, within preferred hours", async () => {
    const { data, token } = mcpEmulator();
    const day = "2030-01-15";
    await data("create_event", { summary: "Busy", startTime: `${day}T10:00:00`, endTime: `${day}T11:00:00` });
    // Bob (New York) is busy 12:00-13:00 Madrid time.
    await data(
      "create_event",
      {
        summary: "Bob busy",
        startTime: `${day}T12:00:00`,
        endTime: `${day}T13:00:00`,
        timeZone: "Europe/Madrid",
      },
      { token: token(BOB) },
    );
    const answer = await data("suggest_time", {
      attendeeEmails: ["primary", BOB],
      startTime: `${day}T00:00:00`,
      endTime: `${day}T23:59:00`,
      durationMinutes: 45,
      preferences: { startHour: "09:00", endHour: "14:00" },
    });
    const spans = answer.timeSlots.map((s: { startTime: string; endTime: string }) => [
      s.startTime.slice(11, 16),
      s.endTime.slice(11, 16),
    ]);
    expect(spans).toEqual([
      ["09:00", "10:00"],
      ["11:00", "12:00"],
      ["13:00", "14:00"],
    ]);
    expect(answer.timeSlots[0].start).toEqual({
      dateTime: `${day}T09:00:00+01:00`,
      timeZone: "Europe/Madrid",
    });
    expect(answer.timeSlots[0].durationMinutes).toBe(60);
  });

  test("get_event of an unknown id, or another account's calendar: NOT_FOUND as a tool error", async () => {
    const { call } = mcpEmulator();
    const missing = await call("get_event", { eventId: "nosuchevent1" });
    expect(missing.json.result.isError).toBe(true);
    expect(missing.json.result.structuredContent.error).toEqual({
      code: 404,
      message: "Requested entity was not found.",
      status: "NOT_FOUND",
    });
    const foreign = await call("list_events", { calendarId: BOB });
    expect(foreign.json.result.structuredContent.error.status).toBe("NOT_FOUND");
  });

  test("arguments are read as proto JSON: snake_case accepted, unknown names and wrong types refused", async () => {
    const { call, data } = mcpEmulator();
    const snake = await data("list_events", { page_size: 1, time_zone: "UTC" });
    expect(snake.events).toEqual([]);
    const unknown = await call("list_events", { window: "week" });
    expect(unknown.json.result.content[0].text).toBe(
      'Invalid JSON payload received. Unknown name "window": Cannot find field.',
    );
    const wrongType = await call("list_events", { pageSize: "ten" });
    expect(wrongType.json.result.structuredContent.error.status).toBe("INVALID_ARGUMENT");
    const missing = await call("get_event", {});
    expect(missing.json.result.content[0].text).toBe("Missing required field: eventId");
    const badZone = await call("list_events", { timeZone: "Mars/Olympus" });
    expect(badZone.json.result.isError).toBe(true);
  });

  test("with the jsonrpc encoding, tool failures are JSON-RPC error objects", async () => {
    const { call, app } = mcpEmulator();
    await app.request("/__emulator/options", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ mcpToolErrorEncoding: "jsonrpc" }),
    });
    const missing = await call("get_event", { eventId: "nosuchevent1" });
    expect(missing.status).toBe(200);
    expect(missing.json.result).toBeUndefined();
    expect(missing.json.error).toEqual({
      code: -32000,
      message: "Requested entity was not found.",
      data: { code: 404, message: "Requested entity was not found.", status: "NOT_FOUND" },
    });
    const invalid = await call("get_event", {});
    expect(invalid.json.error.code).toBe(-32602);
  });
});
