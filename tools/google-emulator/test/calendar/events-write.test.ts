import { describe, expect, test } from "bun:test";
import { ANA, testCalendar, timed } from "./calendar-test-kit.ts";

const EVENTS = "/calendars/primary/events";

describe("events.insert", () => {
  test("returns Google's event resource for a timed event", async () => {
    const { call } = testCalendar();
    const res = await call("POST", EVENTS, {
      body: timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z", {
        id: "abcdef0123",
        description: "Quarterly",
        location: "Room 1",
        attendees: [{ email: "carol@example.com" }, { email: ANA }],
      }),
    });
    expect(res.status).toBe(200);
    const event = res.json;
    expect(Object.keys(event).slice(0, 7)).toEqual([
      "kind",
      "etag",
      "id",
      "status",
      "htmlLink",
      "created",
      "updated",
    ]);
    expect(event.kind).toBe("calendar#event");
    expect(event.etag).toMatch(/^"\d{16,}"$/);
    expect(res.headers.get("ETag")).toBe(event.etag);
    expect(event.id).toBe("abcdef0123");
    expect(event.status).toBe("confirmed");
    expect(event.htmlLink).toBe(
      `https://www.google.com/calendar/event?eid=${Buffer.from(`abcdef0123 ${ANA}`).toString("base64url")}`,
    );
    expect(event.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(event.creator).toEqual({ email: ANA, self: true });
    expect(event.organizer).toEqual({ email: ANA, self: true });
    // Rendered in the calendar's zone (Europe/Madrid, +01:00 in March before DST).
    expect(event.start).toEqual({ dateTime: "2024-03-11T10:00:00+01:00" });
    expect(event.end).toEqual({ dateTime: "2024-03-11T11:00:00+01:00" });
    expect(event.iCalUID).toBe("abcdef0123@google.com");
    expect(event.sequence).toBe(0);
    expect(event.reminders).toEqual({ useDefault: true });
    expect(event.eventType).toBe("default");
    expect(event.attendees).toEqual([
      { email: "carol@example.com", responseStatus: "needsAction" },
      { email: ANA, organizer: true, self: true, responseStatus: "accepted" },
    ]);
  });

  test("generates a base32hex id when none is given", async () => {
    const { call } = testCalendar();
    const res = await call("POST", EVENTS, { body: timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z") });
    expect(res.json.id).toMatch(/^[a-v0-9]{26}$/);
  });

  test.each([
    ["too short", "abc"],
    ["a dash", "has-dash01"],
    ["upper case", "UPPERCASE1"],
    ["letters beyond v", "wxyz01234"],
    ["over 1024 characters", "a".repeat(1025)],
  ])("refuses a client id with %s", async (_label, id) => {
    const { call } = testCalendar();
    const res = await call("POST", EVENTS, {
      body: timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z", { id }),
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: {
        errors: [{ domain: "global", reason: "invalid", message: "Invalid resource id value." }],
        code: 400,
        message: "Invalid resource id value.",
      },
    });
  });

  test("a duplicate id is 409 duplicate, also after the first was deleted", async () => {
    const { call } = testCalendar();
    const body = timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z", { id: "dup0001" });
    expect((await call("POST", EVENTS, { body })).status).toBe(200);
    const again = await call("POST", EVENTS, { body });
    expect(again.status).toBe(409);
    expect(again.json.error.errors[0]).toEqual({
      domain: "global",
      reason: "duplicate",
      message: "The requested identifier already exists.",
    });
    expect((await call("DELETE", `${EVENTS}/dup0001`)).status).toBe(204);
    expect((await call("POST", EVENTS, { body })).status).toBe(409);
  });

  test("concurrent inserts with one id: exactly one wins", async () => {
    const { call } = testCalendar();
    const body = timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z", { id: "race00001" });
    const results = await Promise.all(Array.from({ length: 8 }, () => call("POST", EVENTS, { body })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
  });

  test("end before start is timeRangeEmpty", async () => {
    const { call } = testCalendar();
    const res = await call("POST", EVENTS, { body: timed("2024-03-11T10:00:00Z", "2024-03-11T09:00:00Z") });
    expect(res.status).toBe(400);
    expect(res.json.error.errors[0]).toEqual({
      domain: "calendar",
      reason: "timeRangeEmpty",
      message: "The specified time range is empty.",
    });
  });

  test("missing end, missing start, mixed kinds", async () => {
    const { call } = testCalendar();
    const noEnd = await call("POST", EVENTS, { body: { start: { dateTime: "2024-03-11T10:00:00Z" } } });
    expect(noEnd.status).toBe(400);
    expect(noEnd.json.error.errors[0]).toMatchObject({ reason: "required", message: "Missing end time." });
    const empty = await call("POST", EVENTS, { body: {} });
    expect(empty.json.error.message).toBe("Missing end time.");
    const noStart = await call("POST", EVENTS, { body: { end: { date: "2024-03-11" } } });
    expect(noStart.status).toBe(400);
    const mixed = await call("POST", EVENTS, {
      body: { start: { date: "2024-03-11" }, end: { dateTime: "2024-03-11T10:00:00Z" } },
    });
    expect(mixed.json.error.message).toBe(
      "Start and end times must either both be date or both be dateTime.",
    );
  });

  test("a local dateTime needs start.timeZone; with it, it is read in that zone", async () => {
    const { call } = testCalendar();
    const bare = await call("POST", EVENTS, {
      body: { start: { dateTime: "2024-07-01T09:00:00" }, end: { dateTime: "2024-07-01T10:00:00" } },
    });
    expect(bare.status).toBe(400);
    expect(bare.json.error.errors[0]).toMatchObject({
      reason: "required",
      message: "Missing time zone definition for start time.",
    });
    const zoned = await call("POST", EVENTS, {
      body: {
        start: { dateTime: "2024-07-01T09:00:00", timeZone: "America/New_York" },
        end: { dateTime: "2024-07-01T10:00:00", timeZone: "America/New_York" },
      },
    });
    expect(zoned.status).toBe(200);
    expect(zoned.json.start).toEqual({ dateTime: "2024-07-01T15:00:00+02:00", timeZone: "America/New_York" });
  });

  test("a recurring event needs a named start zone even with an offset", async () => {
    const { call } = testCalendar();
    const res = await call("POST", EVENTS, {
      body: timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z", { recurrence: ["RRULE:FREQ=DAILY"] }),
    });
    expect(res.json.error.message).toBe("Missing time zone definition for start time.");
  });

  test("an unreadable recurrence rule is refused", async () => {
    const { call } = testCalendar();
    const res = await call("POST", EVENTS, {
      body: {
        start: { dateTime: "2024-03-11T09:00:00Z", timeZone: "UTC" },
        end: { dateTime: "2024-03-11T10:00:00Z", timeZone: "UTC" },
        recurrence: ["RRULE:FREQ=FORTNIGHTLY"],
      },
    });
    expect(res.json.error.errors[0]).toMatchObject({
      reason: "invalid",
      message: "Invalid recurrence rule.",
    });
  });

  test("all-day events keep dates; the end date is exclusive and must follow the start", async () => {
    const { call } = testCalendar();
    const ok = await call("POST", EVENTS, {
      body: { start: { date: "2024-03-11" }, end: { date: "2024-03-12" } },
    });
    expect(ok.json.start).toEqual({ date: "2024-03-11" });
    expect(ok.json.end).toEqual({ date: "2024-03-12" });
    const empty = await call("POST", EVENTS, {
      body: { start: { date: "2024-03-11" }, end: { date: "2024-03-11" } },
    });
    expect(empty.json.error.errors[0].reason).toBe("timeRangeEmpty");
  });

  test("a body that is not JSON is 400 Parse Error", async () => {
    const { call } = testCalendar();
    const res = await call("POST", EVENTS, {
      rawBody: "{not json",
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: {
        errors: [{ domain: "global", reason: "parseError", message: "Parse Error" }],
        code: 400,
        message: "Parse Error",
      },
    });
  });

  test("sendUpdates accepts Google's three values only", async () => {
    const { call } = testCalendar();
    for (const value of ["all", "externalOnly", "none"]) {
      const res = await call("POST", `${EVENTS}?sendUpdates=${value}`, {
        body: timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z"),
      });
      expect(res.status).toBe(200);
    }
    const bad = await call("POST", `${EVENTS}?sendUpdates=everyone`, {
      body: timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z"),
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.errors[0]).toMatchObject({ reason: "invalidParameter", location: "sendUpdates" });
  });
});

describe("conference data", () => {
  const meet = (requestId: string) => ({
    conferenceData: { createRequest: { requestId, conferenceSolutionKey: { type: "hangoutsMeet" } } },
  });

  test("conferenceDataVersion=1 with a hangoutsMeet createRequest creates a Meet", async () => {
    const { call } = testCalendar();
    const res = await call("POST", `${EVENTS}?conferenceDataVersion=1`, {
      body: timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z", meet("req-1")),
    });
    const data = res.json.conferenceData;
    expect(data.conferenceId).toMatch(/^[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
    expect(data.createRequest).toEqual({
      requestId: "req-1",
      conferenceSolutionKey: { type: "hangoutsMeet" },
      status: { statusCode: "success" },
    });
    expect(data.entryPoints[0]).toMatchObject({
      entryPointType: "video",
      uri: `https://meet.google.com/${data.conferenceId}`,
    });
    expect(data.conferenceSolution.key).toEqual({ type: "hangoutsMeet" });
    expect(res.json.hangoutLink).toBe(`https://meet.google.com/${data.conferenceId}`);
  });

  test("version 0 ignores conference data; other solution types are refused", async () => {
    const { call } = testCalendar();
    const ignored = await call("POST", EVENTS, {
      body: timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z", meet("req-2")),
    });
    expect(ignored.json.conferenceData).toBeUndefined();
    expect(ignored.json.hangoutLink).toBeUndefined();
    const zoom = await call("POST", `${EVENTS}?conferenceDataVersion=1`, {
      body: timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z", {
        conferenceData: { createRequest: { requestId: "r", conferenceSolutionKey: { type: "addOn" } } },
      }),
    });
    expect(zoom.status).toBe(400);
    const tooNew = await call("POST", `${EVENTS}?conferenceDataVersion=2`, {
      body: timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z"),
    });
    expect(tooNew.status).toBe(400);
  });

  test("patching with the same requestId keeps the conference", async () => {
    const { call } = testCalendar();
    const created = await call("POST", `${EVENTS}?conferenceDataVersion=1`, {
      body: timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z", meet("same")),
    });
    const patched = await call("PATCH", `${EVENTS}/${created.json.id}?conferenceDataVersion=1`, {
      body: meet("same"),
    });
    expect(patched.json.conferenceData.conferenceId).toBe(created.json.conferenceData.conferenceId);
    const plain = await call("PATCH", `${EVENTS}/${created.json.id}`, { body: { summary: "Renamed" } });
    expect(plain.json.hangoutLink).toBe(created.json.hangoutLink);
  });
});

describe("events.patch / events.update", () => {
  test("patch merges, changes the etag and bumps the sequence on time changes only", async () => {
    const { call } = testCalendar();
    const created = (
      await call("POST", EVENTS, {
        body: timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z", { id: "patch0001", description: "keep" }),
      })
    ).json;
    const renamed = (await call("PATCH", `${EVENTS}/patch0001`, { body: { summary: "Renamed" } })).json;
    expect(renamed.summary).toBe("Renamed");
    expect(renamed.description).toBe("keep");
    expect(renamed.etag).not.toBe(created.etag);
    expect(renamed.sequence).toBe(0);
    const moved = (
      await call("PATCH", `${EVENTS}/patch0001`, {
        body: { start: { dateTime: "2024-03-11T11:00:00Z" }, end: { dateTime: "2024-03-11T12:00:00Z" } },
      })
    ).json;
    expect(moved.sequence).toBe(1);
    expect(moved.start.dateTime).toBe("2024-03-11T12:00:00+01:00");
    const cleared = (await call("PATCH", `${EVENTS}/patch0001`, { body: { description: null } })).json;
    expect(cleared.description).toBeUndefined();
  });

  test("If-Match with a stale etag is 412 conditionNotMet; the current one passes", async () => {
    const { call } = testCalendar();
    const created = (
      await call("POST", EVENTS, {
        body: timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z", { id: "match0001" }),
      })
    ).json;
    await call("PATCH", `${EVENTS}/match0001`, { body: { summary: "v2" } });
    const stale = await call("PATCH", `${EVENTS}/match0001`, {
      body: { summary: "v3" },
      headers: { "If-Match": created.etag },
    });
    expect(stale.status).toBe(412);
    expect(stale.json).toEqual({
      error: {
        errors: [
          {
            domain: "global",
            reason: "conditionNotMet",
            message: "Precondition Failed",
            locationType: "header",
            location: "If-Match",
          },
        ],
        code: 412,
        message: "Precondition Failed",
      },
    });
    const current = (await call("GET", `${EVENTS}/match0001`)).json;
    const fresh = await call("PUT", `${EVENTS}/match0001`, {
      body: { ...current, summary: "v3" },
      headers: { "If-Match": current.etag },
    });
    expect(fresh.status).toBe(200);
    expect(fresh.json.summary).toBe("v3");
  });

  test("update is a full replacement: a partial body is Missing end time", async () => {
    const { call } = testCalendar();
    await call("POST", EVENTS, {
      body: timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z", { id: "put000001", location: "A" }),
    });
    const partial = await call("PUT", `${EVENTS}/put000001`, { body: { summary: "x" } });
    expect(partial.json.error.message).toBe("Missing end time.");
    const full = await call("PUT", `${EVENTS}/put000001`, {
      body: timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z"),
    });
    expect(full.json.location).toBeUndefined();
  });

  test("a stale sequence is refused", async () => {
    const { call } = testCalendar();
    await call("POST", EVENTS, {
      body: timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z", { id: "seq000001" }),
    });
    await call("PATCH", `${EVENTS}/seq000001`, { body: { start: { dateTime: "2024-03-11T08:00:00Z" } } });
    const stale = await call("PATCH", `${EVENTS}/seq000001`, { body: { sequence: 0, summary: "late" } });
    expect(stale.status).toBe(400);
    expect(stale.json.error.message).toStartWith("Invalid sequence value.");
  });

  test("unknown events are 404 notFound", async () => {
    const { call } = testCalendar();
    const res = await call("PATCH", `${EVENTS}/nosuchevent`, { body: { summary: "x" } });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({
      error: {
        errors: [{ domain: "global", reason: "notFound", message: "Not Found" }],
        code: 404,
        message: "Not Found",
      },
    });
  });
});

describe("events.delete / events.get", () => {
  test("delete is 204; the event stays readable as cancelled; a second delete is 410", async () => {
    const { call } = testCalendar();
    await call("POST", EVENTS, {
      body: timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z", { id: "del000001" }),
    });
    const deleted = await call("DELETE", `${EVENTS}/del000001`);
    expect(deleted.status).toBe(204);
    expect(deleted.json).toBeNull();
    const got = await call("GET", `${EVENTS}/del000001`);
    expect(got.status).toBe(200);
    expect(got.json.status).toBe("cancelled");
    const again = await call("DELETE", `${EVENTS}/del000001`);
    expect(again.status).toBe(410);
    expect(again.json.error.errors[0]).toEqual({
      domain: "global",
      reason: "deleted",
      message: "Resource has been deleted",
    });
  });

  test("GET honours timeZone and If-None-Match", async () => {
    const { call } = testCalendar();
    const created = (
      await call("POST", EVENTS, {
        body: timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z", { id: "get000001" }),
      })
    ).json;
    const tokyo = await call("GET", `${EVENTS}/get000001?timeZone=Asia/Tokyo`);
    expect(tokyo.json.start.dateTime).toBe("2024-03-11T18:00:00+09:00");
    const notModified = await call("GET", `${EVENTS}/get000001`, {
      headers: { "If-None-Match": created.etag },
    });
    expect(notModified.status).toBe(304);
  });

  test("another account's calendar is invisible (404)", async () => {
    const { call, token } = testCalendar();
    await call("POST", EVENTS, {
      body: timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z", { id: "mine00001" }),
    });
    const bob = token("bob@example.com");
    expect((await call("GET", `/calendars/${ANA}/events/mine00001`, { token: bob })).status).toBe(404);
    expect((await call("GET", `${EVENTS}/mine00001`, { token: bob })).status).toBe(404);
    expect((await call("GET", `/calendars/${encodeURIComponent(ANA)}/events/mine00001`)).status).toBe(200);
  });
});
