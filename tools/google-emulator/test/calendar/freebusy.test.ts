import { describe, expect, test } from "bun:test";
import { ANA, BOB, type TestCalendar, testCalendar, timed } from "./calendar-test-kit.ts";

async function seed(cal: TestCalendar, body: Record<string, unknown>): Promise<void> {
  const res = await cal.call("POST", "/calendars/primary/events", { body });
  if (res.status !== 200) throw new Error(JSON.stringify(res.json));
}

const WINDOW = { timeMin: "2024-03-11T08:00:00Z", timeMax: "2024-03-11T18:00:00Z" };

describe("freebusy.query", () => {
  test("merges overlapping and touching blocks and clips them to the window", async () => {
    const cal = testCalendar();
    await seed(cal, timed("2024-03-11T07:00:00Z", "2024-03-11T09:00:00Z"));
    await seed(cal, timed("2024-03-11T10:00:00Z", "2024-03-11T11:00:00Z"));
    await seed(cal, timed("2024-03-11T10:30:00Z", "2024-03-11T11:30:00Z"));
    await seed(cal, timed("2024-03-11T11:30:00Z", "2024-03-11T12:00:00Z"));
    await seed(cal, timed("2024-03-11T17:30:00Z", "2024-03-11T19:00:00Z"));
    const res = await cal.call("POST", "/freeBusy", {
      body: { ...WINDOW, items: [{ id: "primary" }, { id: ANA }] },
    });
    expect(res.status).toBe(200);
    const busy = [
      { start: "2024-03-11T08:00:00Z", end: "2024-03-11T09:00:00Z" },
      { start: "2024-03-11T10:00:00Z", end: "2024-03-11T12:00:00Z" },
      { start: "2024-03-11T17:30:00Z", end: "2024-03-11T18:00:00Z" },
    ];
    expect(res.json).toEqual({
      kind: "calendar#freeBusy",
      timeMin: "2024-03-11T08:00:00.000Z",
      timeMax: "2024-03-11T18:00:00.000Z",
      calendars: { primary: { busy }, [ANA]: { busy } },
    });
  });

  test("transparent, cancelled and declined events leave time free", async () => {
    const cal = testCalendar();
    await seed(cal, timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z", { transparency: "transparent" }));
    await seed(cal, timed("2024-03-11T10:00:00Z", "2024-03-11T11:00:00Z", { id: "cancel001" }));
    await cal.call("DELETE", "/calendars/primary/events/cancel001");
    await seed(
      cal,
      timed("2024-03-11T12:00:00Z", "2024-03-11T13:00:00Z", {
        attendees: [{ email: ANA, responseStatus: "declined" }, { email: "x@example.com" }],
      }),
    );
    await seed(cal, timed("2024-03-11T14:00:00Z", "2024-03-11T15:00:00Z", { status: "tentative" }));
    const res = await cal.call("POST", "/freeBusy", { body: { ...WINDOW, items: [{ id: "primary" }] } });
    expect(res.json.calendars.primary.busy).toEqual([
      { start: "2024-03-11T14:00:00Z", end: "2024-03-11T15:00:00Z" },
    ]);
  });

  test("recurring events, all-day events and the timeZone of the answer", async () => {
    const cal = testCalendar();
    await seed(cal, {
      start: { dateTime: "2024-03-04T09:00:00", timeZone: "Europe/Madrid" },
      end: { dateTime: "2024-03-04T09:30:00", timeZone: "Europe/Madrid" },
      recurrence: ["RRULE:FREQ=WEEKLY;BYDAY=MO"],
    });
    await seed(cal, { start: { date: "2024-03-12" }, end: { date: "2024-03-13" } });
    const res = await cal.call("POST", "/freeBusy", {
      body: {
        timeMin: "2024-03-11T00:00:00Z",
        timeMax: "2024-03-13T00:00:00Z",
        timeZone: "Europe/Madrid",
        items: [{ id: "primary" }],
      },
    });
    expect(res.json.calendars.primary.busy).toEqual([
      { start: "2024-03-11T09:00:00+01:00", end: "2024-03-11T09:30:00+01:00" },
      { start: "2024-03-12T00:00:00+01:00", end: "2024-03-13T00:00:00+01:00" },
    ]);
  });

  test("a calendar the caller cannot see reports notFound inside a 200", async () => {
    const cal = testCalendar();
    const res = await cal.call("POST", "/freeBusy", {
      body: { ...WINDOW, items: [{ id: BOB }, { id: "nobody@example.com" }] },
    });
    expect(res.status).toBe(200);
    expect(res.json.calendars[BOB]).toEqual({ errors: [{ domain: "global", reason: "notFound" }], busy: [] });
    expect(res.json.calendars["nobody@example.com"].errors[0].reason).toBe("notFound");
  });

  test("bad windows: missing, unparseable, empty", async () => {
    const cal = testCalendar();
    expect((await cal.call("POST", "/freeBusy", { body: { items: [] } })).status).toBe(400);
    const local = await cal.call("POST", "/freeBusy", {
      body: { timeMin: "2024-03-11T09:00:00", timeMax: "2024-03-11T10:00:00", items: [] },
    });
    expect(local.json.error.errors[0]).toEqual({
      domain: "global",
      reason: "badRequest",
      message: "Bad Request",
    });
    const empty = await cal.call("POST", "/freeBusy", {
      body: { timeMin: WINDOW.timeMax, timeMax: WINDOW.timeMin, items: [] },
    });
    expect(empty.json.error.errors[0].reason).toBe("timeRangeEmpty");
  });

  test("a window over 90 days is timeRangeTooLong, as Google refuses one of about three months", async () => {
    const cal = testCalendar();
    const start = Date.parse("2024-03-11T00:00:00Z");
    const window = (days: number) => ({
      timeMin: new Date(start).toISOString(),
      timeMax: new Date(start + days * 86_400_000).toISOString(),
      items: [{ id: "primary" }],
    });
    expect((await cal.call("POST", "/freeBusy", { body: window(90) })).status).toBe(200);
    const tooLong = await cal.call("POST", "/freeBusy", { body: window(91) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.error.errors[0]).toEqual({
      domain: "calendar",
      reason: "timeRangeTooLong",
      message: "The requested time range is too long.",
    });
  });
});
