import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import type { DomainError } from "../../../src/domain/errors.ts";
import { ANA, calendarServer, TIMEOUT_MS } from "./calendar-emulator-server.ts";

const emulator = calendarServer();
const { gateway, state, calls } = emulator;
let token = emulator.issueToken();

afterAll(() => emulator.stop());
beforeEach(() => {
  state.faults = [];
  state.resetCounters();
  token = emulator.issueToken();
});

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    return error as DomainError;
  }
  throw new Error("expected the call to fail");
}

const at = (day: number, hour: number): { dateTime: string; timeZone: string } => ({
  dateTime: `2026-03-${String(day).padStart(2, "0")}T${String(hour).padStart(2, "0")}:00:00+01:00`,
  timeZone: "Europe/Madrid",
});

describe("GoogleCalendarGateway against the emulator", () => {
  test("calendar list and time zone", async () => {
    const calendars = await gateway.listCalendars(token);
    expect(calendars).toEqual([
      { id: ANA, summary: expect.any(String), timeZone: "Europe/Madrid", primary: true, accessRole: "owner" },
    ]);
    expect(await gateway.getTimeZone(token, "primary")).toBe("Europe/Madrid");
  });

  test("insert with our id maps the event; the same id again is duplicate_event", async () => {
    const draft = {
      summary: "Haircut",
      start: at(10, 15),
      end: at(10, 16),
      attendees: [{ email: "bob@example.com" }],
    };
    const event = await gateway.insertEvent(token, "primary", draft, {
      eventId: "gatebooking001",
      sendUpdates: "none",
    });
    expect(event).toMatchObject({
      id: "gatebooking001",
      calendarId: "primary",
      status: "confirmed",
      summary: "Haircut",
      organizerEmail: ANA,
      attendees: [{ email: "bob@example.com", responseStatus: "needsAction" }],
    });
    expect(new Date("dateTime" in event.start ? event.start.dateTime : "").toISOString()).toBe(
      "2026-03-10T14:00:00.000Z",
    );
    expect(event.etag).not.toBe("");
    expect(event.htmlLink).toContain("http");
    const again = await failure(gateway.insertEvent(token, "primary", draft, { eventId: "gatebooking001" }));
    expect(again.code).toBe("duplicate_event");
  });

  test("add_meet_link asks Google for a Meet conference and reads its link", async () => {
    const draft = { summary: "Video", start: at(11, 9), end: at(11, 10) };
    const event = await gateway.insertEvent(token, "primary", draft, {
      eventId: "gatemeet01",
      addMeetLink: true,
    });
    expect(event.meetLink).toMatch(/^https:\/\/meet\.google\.com\//);
  });

  test("listEvents expands a recurring series into ordered instances", async () => {
    await gateway.insertEvent(
      token,
      "primary",
      { summary: "Standup", start: at(23, 9), end: at(23, 10), recurrence: ["RRULE:FREQ=DAILY;COUNT=3"] },
      { eventId: "gateseries1" },
    );
    const page = await gateway.listEvents(token, "primary", {
      timeMin: new Date("2026-03-23T00:00:00Z"),
      timeMax: new Date("2026-03-27T00:00:00Z"),
    });
    expect(page.events.map((event) => event.recurringEventId)).toEqual(Array(3).fill("gateseries1"));
    const starts = page.events.map((event) =>
      "dateTime" in event.start ? Date.parse(event.start.dateTime) : 0,
    );
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(page.nextPageToken).toBeNull();
  });

  test("patch with a stale etag is precondition_failed; with the current one it applies", async () => {
    const event = await gateway.insertEvent(
      token,
      "primary",
      { summary: "v1", start: at(12, 9), end: at(12, 10) },
      {},
    );
    const changed = await gateway.patchEvent(
      token,
      "primary",
      event.id,
      { summary: "v2" },
      { etag: event.etag },
    );
    expect(changed.summary).toBe("v2");
    const stale = await failure(
      gateway.patchEvent(token, "primary", event.id, { summary: "v3" }, { etag: event.etag }),
    );
    expect(stale.code).toBe("precondition_failed");
    expect((await gateway.getEvent(token, "primary", event.id)).summary).toBe("v2");
  });

  test("delete, then a second delete is not_found with deleted: true; unknown ids are plain not_found", async () => {
    const event = await gateway.insertEvent(
      token,
      "primary",
      { summary: "x", start: at(13, 9), end: at(13, 10) },
      {},
    );
    await gateway.deleteEvent(token, "primary", event.id, { sendUpdates: "none" });
    const again = await failure(gateway.deleteEvent(token, "primary", event.id, {}));
    expect(again.code).toBe("not_found");
    expect(again.details.deleted).toBe(true);
    const unknown = await failure(gateway.getEvent(token, "primary", "neverexisted1"));
    expect(unknown.code).toBe("not_found");
    expect(unknown.details.deleted).toBeUndefined();
  });

  test("an id no URL can carry (a lone surrogate) is not_found, without asking Google", async () => {
    const lone = await failure(gateway.listEvents(token, "cal\udc00endar", {}));
    expect(lone.code).toBe("not_found");
    expect(calls("events.list")).toBe(0);
    // A search text with one is still a search (sent with U+FFFD in its place).
    expect((await gateway.listEvents(token, "primary", { text: "x\ud83d" })).events).toEqual([]);
  });

  test("freeBusy reports busy intervals, and an unknown calendar's error", async () => {
    await gateway.insertEvent(token, "primary", { summary: "busy", start: at(16, 9), end: at(16, 11) }, {});
    const answer = await gateway.freeBusy(token, {
      timeMin: new Date("2026-03-16T00:00:00Z"),
      timeMax: new Date("2026-03-17T00:00:00Z"),
      calendarIds: ["primary", "nobody@example.com"],
    });
    expect(answer.get("primary")?.busy).toEqual([
      { start: new Date("2026-03-16T08:00:00Z"), end: new Date("2026-03-16T10:00:00Z") },
    ]);
    expect(answer.get("nobody@example.com")?.error).toBe("notFound");
  });

  test("Google's 400 is invalid_argument carrying Google's message", async () => {
    const error = await failure(
      gateway.insertEvent(token, "primary", { summary: "x", start: at(17, 10), end: at(17, 9) }, {}),
    );
    expect(error.code).toBe("invalid_argument");
    expect(error.message).toContain("The specified time range is empty.");
  });
});

describe("GoogleCalendarGateway failures", () => {
  test("an unknown or revoked token is google_token_rejected, and the token is in no message", async () => {
    const error = await failure(gateway.listEvents("ya29.not-a-token", "primary", {}));
    expect(error.code).toBe("google_token_rejected");
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain("ya29");
  });

  test("a token without the events scope is insufficient_scope", async () => {
    const freeBusyOnly = emulator.issueToken(["https://www.googleapis.com/auth/calendar.freebusy"]);
    const error = await failure(
      gateway.insertEvent(freeBusyOnly, "primary", { summary: "x", start: at(18, 9), end: at(18, 10) }, {}),
    );
    expect(error.code).toBe("insufficient_scope");
  });

  test("a 503 on a read is retried and then succeeds", async () => {
    const event = await gateway.insertEvent(
      token,
      "primary",
      { summary: "r", start: at(19, 9), end: at(19, 10) },
      {},
    );
    state.faults.push({ target: "calendar:events.get", status: 503, times: 1 });
    expect((await gateway.getEvent(token, "primary", event.id)).summary).toBe("r");
    expect(calls("events.get")).toBe(2);
  });

  test("an insert without our id is never retried; with our id it is", async () => {
    state.faults.push({ target: "calendar:events.insert", status: 503, times: 1 });
    const draft = { summary: "once", start: at(20, 9), end: at(20, 10) };
    expect((await failure(gateway.insertEvent(token, "primary", draft, {}))).code).toBe("google_unavailable");
    expect(calls("events.insert")).toBe(1);
    state.faults.push({ target: "calendar:events.insert", status: 503, times: 1 });
    const event = await gateway.insertEvent(token, "primary", draft, { eventId: "gateagain01" });
    expect(event.id).toBe("gateagain01");
    expect(calls("events.insert")).toBe(3);
  });

  test("a persistent 429 ends as rate_limited after the bounded retries", async () => {
    state.faults.push({ target: "calendar:freebusy.query", status: 429, times: 10 });
    const query = {
      timeMin: new Date("2026-03-16T00:00:00Z"),
      timeMax: new Date("2026-03-17T00:00:00Z"),
      calendarIds: ["primary"],
    };
    const error = await failure(gateway.freeBusy(token, query));
    expect(error.code).toBe("rate_limited");
    expect(calls("freebusy.query")).toBe(3);
  });

  test("a 403 rate limit with a long Retry-After is reported at once, with the hint", async () => {
    state.faults.push({
      target: "calendar:events.list",
      status: 403,
      headers: { "Retry-After": "120" },
      times: 10,
    });
    const error = await failure(gateway.listEvents(token, "primary", {}));
    expect(error.code).toBe("rate_limited");
    expect(error.details.retry_after_seconds).toBe(120);
    expect(calls("events.list")).toBe(1);
  });

  test("an answer slower than the timeout is google_unavailable, not waited out again", async () => {
    state.faults.push({ target: "calendar:events.list", delayMs: TIMEOUT_MS + 400, times: 1 });
    const error = await failure(gateway.listEvents(token, "primary", {}));
    expect(error.code).toBe("google_unavailable");
    expect(error.message).toContain(`${TIMEOUT_MS} ms`);
    expect(calls("events.list")).toBe(1);
  });

  test("a 500 that persists is google_unavailable", async () => {
    state.faults.push({ target: "calendar:calendarList.list", status: 500, times: 10 });
    expect((await failure(gateway.listCalendars(token))).code).toBe("google_unavailable");
    expect(calls("calendarList.list")).toBe(3);
  });
});
