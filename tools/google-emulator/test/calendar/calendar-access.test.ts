import { describe, expect, test } from "bun:test";
import { ANA, BOB, scope, testCalendar, timed } from "./calendar-test-kit.ts";

const INVALID_CREDENTIALS = {
  error: {
    code: 401,
    message:
      "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
    errors: [
      {
        message: "Invalid Credentials",
        domain: "global",
        reason: "authError",
        location: "Authorization",
        locationType: "header",
      },
    ],
    status: "UNAUTHENTICATED",
  },
};

describe("authentication", () => {
  test("unknown and expired tokens get Google's exact 401 body and WWW-Authenticate", async () => {
    const cal = testCalendar();
    const expired = cal.token(ANA, [scope("calendar")], Date.now() - 1);
    for (const token of ["ya29.unknown", expired]) {
      const res = await cal.call("GET", "/calendars/primary/events", { token });
      expect(res.status).toBe(401);
      expect(res.json).toEqual(INVALID_CREDENTIALS);
      expect(res.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
    }
  });

  test("no credential at all is 401 Login Required", async () => {
    const cal = testCalendar();
    const res = await cal.call("GET", "/users/me/calendarList", { token: null });
    expect(res.status).toBe(401);
    expect(res.json.error.status).toBe("UNAUTHENTICATED");
    expect(res.json.error.errors[0]).toMatchObject({ reason: "required", message: "Login Required." });
  });

  test("scopes: read-only cannot write, events scope cannot list calendars, freebusy only queries", async () => {
    const cal = testCalendar();
    const readonly = cal.token(ANA, [scope("calendar.readonly")]);
    const events = cal.token(ANA, [scope("calendar.events")]);
    const freebusy = cal.token(ANA, [scope("calendar.freebusy")]);
    const body = timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z");

    const denied = await cal.call("POST", "/calendars/primary/events", { token: readonly, body });
    expect(denied.status).toBe(403);
    expect(denied.json.error).toMatchObject({
      code: 403,
      message: "Request had insufficient authentication scopes.",
      errors: [{ message: "Insufficient Permission", domain: "global", reason: "insufficientPermissions" }],
      status: "PERMISSION_DENIED",
    });
    expect(denied.json.error.details[0].metadata.method).toBe("calendar.v3.Events.Insert");

    expect((await cal.call("GET", "/calendars/primary/events", { token: readonly })).status).toBe(200);
    expect((await cal.call("POST", "/calendars/primary/events", { token: events, body })).status).toBe(200);
    expect((await cal.call("GET", "/users/me/calendarList", { token: events })).status).toBe(403);
    expect((await cal.call("GET", "/calendars/primary/events", { token: freebusy })).status).toBe(403);
    const window = {
      timeMin: "2024-03-11T00:00:00Z",
      timeMax: "2024-03-12T00:00:00Z",
      items: [{ id: "primary" }],
    };
    expect((await cal.call("POST", "/freeBusy", { token: freebusy, body: window })).status).toBe(200);
    expect((await cal.call("POST", "/freeBusy", { token: events, body: window })).status).toBe(403);
  });
});

describe("calendarList and calendars", () => {
  test("lists the caller's primary calendar with its time zone", async () => {
    const cal = testCalendar();
    const res = await cal.call("GET", "/users/me/calendarList");
    expect(res.json.kind).toBe("calendar#calendarList");
    expect(res.json.items).toHaveLength(1);
    expect(res.json.items[0]).toMatchObject({
      kind: "calendar#calendarListEntry",
      id: ANA,
      summary: ANA,
      timeZone: "Europe/Madrid",
      accessRole: "owner",
      primary: true,
    });
    expect(res.json.items[0].etag).toMatch(/^"\d+"$/);
  });

  test("calendarList.get and calendars.get accept primary and the id; others are 404", async () => {
    const cal = testCalendar();
    expect((await cal.call("GET", "/users/me/calendarList/primary")).json.id).toBe(ANA);
    expect((await cal.call("GET", `/users/me/calendarList/${ANA}`)).json.primary).toBe(true);
    const calendar = await cal.call("GET", "/calendars/primary");
    expect(calendar.json).toMatchObject({ kind: "calendar#calendar", id: ANA, timeZone: "Europe/Madrid" });
    expect((await cal.call("GET", `/calendars/${BOB}`)).status).toBe(404);
    expect((await cal.call("GET", `/users/me/calendarList/${BOB}`)).status).toBe(404);
  });

  test("an unknown account's primary calendar is in UTC", async () => {
    const cal = testCalendar();
    const stranger = cal.token("stranger@example.com");
    expect((await cal.call("GET", "/calendars/primary", { token: stranger })).json.timeZone).toBe("UTC");
  });
});

describe("faults, counters and unknown routes", () => {
  test("a 403 fault answers Google's rate-limit body once, then the call works", async () => {
    const cal = testCalendar();
    cal.state.faults.push({ target: "calendar:events.list", status: 403, times: 1 });
    const limited = await cal.call("GET", "/calendars/primary/events");
    expect(limited.status).toBe(403);
    expect(limited.json).toEqual({
      error: {
        errors: [{ domain: "usageLimits", reason: "rateLimitExceeded", message: "Rate Limit Exceeded" }],
        code: 403,
        message: "Rate Limit Exceeded",
      },
    });
    expect((await cal.call("GET", "/calendars/primary/events")).status).toBe(200);
    expect(cal.state.counters.calendarCalls.get("events.list")).toBe(2);
  });

  test("429, 500 and 503 faults; custom bodies and headers; the generic target", async () => {
    const cal = testCalendar();
    cal.state.faults.push({ target: "calendar", status: 429, times: 1, headers: { "Retry-After": "3" } });
    const tooMany = await cal.call("GET", "/users/me/calendarList");
    expect(tooMany.status).toBe(429);
    expect(tooMany.json.error).toMatchObject({ code: 429, status: "RESOURCE_EXHAUSTED" });
    expect(tooMany.json.error.errors[0].reason).toBe("rateLimitExceeded");
    expect(tooMany.headers.get("Retry-After")).toBe("3");

    cal.state.faults.push({ target: "calendar:freebusy.query", status: 500, times: 1 });
    const backend = await cal.call("POST", "/freeBusy", { body: {} });
    expect(backend.json.error.errors[0]).toEqual({
      domain: "global",
      reason: "backendError",
      message: "Backend Error",
    });

    cal.state.faults.push({ target: "calendar:events.get", status: 503, times: 1 });
    expect((await cal.call("GET", "/calendars/primary/events/abcde")).status).toBe(503);

    cal.state.faults.push({
      target: "calendar:calendars.get",
      status: 400,
      body: '{"custom":true}',
      times: 1,
    });
    expect((await cal.call("GET", "/calendars/primary")).json).toEqual({ custom: true });
  });

  test("a delay-only fault delays and then answers normally", async () => {
    const cal = testCalendar();
    cal.state.faults.push({ target: "calendar:calendars.get", delayMs: 5, times: 1 });
    const res = await cal.call("GET", "/calendars/primary");
    expect(res.status).toBe(200);
    expect(cal.state.faults).toHaveLength(0);
  });

  test("unknown paths are Google JSON 404s", async () => {
    const cal = testCalendar();
    const res = await cal.call("GET", "/calendars/primary/acl/nope");
    expect(res.status).toBe(404);
    expect(res.json.error.errors[0].reason).toBe("notFound");
  });
});
