import { describe, expect, test } from "bun:test";
import {
  createEventArgs,
  listEventsArgs,
  parseCalendarList,
  parseEvent,
  parseEventList,
  TOOLS,
} from "../../../src/adapters/google-mcp/calendar-mcp-schema.ts";
import { planPatch } from "../../../src/adapters/google-mcp/patch-plan.ts";

describe("calendar-mcp-schema: Google's names", () => {
  test("the nine tools of the V3 schema", () => {
    expect(Object.values(TOOLS).sort()).toEqual([
      "create_event",
      "delete_event",
      "get_event",
      "list_calendars",
      "list_events",
      "respond_to_event",
      "search_events",
      "suggest_time",
      "update_event",
    ]);
  });

  test("list_events pages are at most 250 and at least 1", () => {
    expect(listEventsArgs("primary", { pageSize: 2500 }).pageSize).toBe(250);
    expect(listEventsArgs("primary", { pageSize: 0 }).pageSize).toBe(1);
    expect(listEventsArgs("primary", {})).toEqual({ calendarId: "primary", orderBy: "startTime" });
  });

  test("a window open on one side is closed five years away, not at Google's 7-day default", () => {
    expect(listEventsArgs("primary", { timeMin: new Date("2026-03-10T00:00:00Z") })).toMatchObject({
      startTime: "2026-03-10T00:00:00.000Z",
      endTime: "2031-03-14T00:00:00.000Z",
    });
    expect(listEventsArgs("primary", { timeMax: new Date("2026-03-10T00:00:00Z") })).toMatchObject({
      startTime: "2021-03-06T00:00:00.000Z",
      endTime: "2026-03-10T00:00:00.000Z",
    });
  });

  test("create_event without sendUpdates says NONE (Google's MCP default is ALL, REST's is none)", () => {
    const args = createEventArgs(
      "primary",
      {
        summary: "x",
        start: { dateTime: "2026-03-10T15:00:00Z" },
        end: { dateTime: "2026-03-10T16:00:00Z" },
      },
      {},
    );
    expect(args).toEqual({
      calendarId: "primary",
      summary: "x",
      startTime: "2026-03-10T15:00:00Z",
      endTime: "2026-03-10T16:00:00Z",
      notificationLevel: "NONE",
    });
  });
});

describe("calendar-mcp-schema: lenient reading of Google's Event", () => {
  test("unknown fields ignored, upper-case enums read, the etag derived from updated", () => {
    const event = parseEvent("primary", {
      id: "e1",
      status: "TENTATIVE",
      eventType: "OUT_OF_OFFICE",
      updated: "2026-03-01T09:00:00Z",
      start: { dateTime: "2026-03-10T15:00:00+01:00" },
      end: { dateTime: "2026-03-10T16:00:00+01:00" },
      attendees: [{ email: "a@x.com", responseStatus: "NEEDS_ACTION", comment: "hi", additionalGuests: 2 }],
      workingLocationProperties: { type: "HOME_OFFICE" },
      somethingNew: { nested: true },
    });
    expect(event).toMatchObject({
      id: "e1",
      status: "tentative",
      etag: "mcp-updated:2026-03-01T09:00:00Z",
      attendees: [{ email: "a@x.com", responseStatus: "needsAction" }],
      transparency: "opaque",
      meetLink: null,
    });
  });

  test("a field of the wrong type is dropped, not fatal; an object without id is no event", () => {
    expect(parseEvent("primary", { id: "e1", summary: 42, attendees: "nope", start: 5 })).toMatchObject({
      id: "e1",
      summary: null,
      attendees: [],
      start: { dateTime: "" },
    });
    expect(parseEvent("primary", { summary: "x" })).toBeNull();
    expect(parseEvent("primary", "text")).toBeNull();
  });

  test("all-day dates as midnight UTC or as bare dates", () => {
    const event = parseEvent("primary", {
      id: "e1",
      start: { date: "2019-11-20T00:00:00Z" },
      end: { date: "2019-11-21" },
    });
    expect(event?.start).toEqual({ date: "2019-11-20" });
    expect(event?.end).toEqual({ date: "2019-11-21" });
  });

  test("event lists and calendar lists; entries Google marks primary win over the first-is-primary rule", () => {
    expect(parseEventList({ events: [{ id: "a" }], nextPageToken: "" })).toEqual({
      events: [{ id: "a" }],
      nextPageToken: null,
      timeZone: null,
    });
    const list = parseCalendarList(
      {
        calendars: [
          { id: "team@group.calendar.google.com", timeZone: "UTC" },
          { id: "ana@example.com", primary: true, accessRole: "owner" },
        ],
      },
      true,
    );
    expect(list?.calendars.map((c) => [c.id, c.primary, c.accessRole])).toEqual([
      ["team@group.calendar.google.com", false, "reader"],
      ["ana@example.com", true, "owner"],
    ]);
  });
});

describe("patch-plan", () => {
  test("a response other than accepted/declined/tentative is refused", () => {
    const current = parseEvent("primary", {
      id: "e1",
      attendees: [{ email: "ana@example.com", self: true, responseStatus: "accepted" }],
    });
    expect(() =>
      planPatch({ attendees: [{ email: "ana@example.com", responseStatus: "needsAction" }] }, current),
    ).toThrow("accepted, declined or tentative");
  });

  test("the same list again changes nothing: no update, no response", () => {
    const current = parseEvent("primary", {
      id: "e1",
      attendees: [{ email: "ana@example.com", self: true, responseStatus: "accepted" }],
    });
    expect(
      planPatch({ attendees: [{ email: "ana@example.com", responseStatus: "accepted" }] }, current),
    ).toMatchObject({ update: false, respond: null });
  });
});
