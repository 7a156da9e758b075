import { describe, expect, test } from "bun:test";
import { type TestCalendar, testCalendar, timed } from "./calendar-test-kit.ts";

const EVENTS = "/calendars/primary/events";

async function seed(cal: TestCalendar, body: Record<string, unknown>): Promise<string> {
  const res = await cal.call("POST", EVENTS, { body });
  if (res.status !== 200) throw new Error(JSON.stringify(res.json));
  return res.json.id;
}

const ids = (json: { items: Array<{ id: string }> }): string[] => json.items.map((item) => item.id);

describe("events.list envelope and window", () => {
  test("answers calendar#events with the calendar's metadata", async () => {
    const cal = testCalendar();
    const res = await cal.call("GET", EVENTS);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      kind: "calendar#events",
      summary: "ana@example.com",
      timeZone: "Europe/Madrid",
      accessRole: "owner",
      defaultReminders: [{ method: "popup", minutes: 10 }],
      items: [],
    });
    expect(res.json.etag).toMatch(/^"\d+"$/);
  });

  test("timeMin bounds the end and timeMax the start, both exclusive", async () => {
    const cal = testCalendar();
    await seed(cal, timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z", { id: "before001" }));
    await seed(cal, timed("2024-03-11T10:00:00Z", "2024-03-11T11:00:00Z", { id: "inside001" }));
    await seed(cal, timed("2024-03-11T10:30:00Z", "2024-03-11T12:30:00Z", { id: "overlap01" }));
    await seed(cal, timed("2024-03-11T12:00:00Z", "2024-03-11T13:00:00Z", { id: "after0001" }));
    const res = await cal.call("GET", `${EVENTS}?timeMin=2024-03-11T10:00:00Z&timeMax=2024-03-11T12:00:00Z`);
    expect(ids(res.json).sort()).toEqual(["inside001", "overlap01"]);
    const offset = await cal.call(
      "GET",
      `${EVENTS}?timeMin=${encodeURIComponent("2024-03-11T11:00:00+01:00")}&timeMax=${encodeURIComponent("2024-03-11T13:00:00+01:00")}`,
    );
    expect(ids(offset.json).sort()).toEqual(["inside001", "overlap01"]);
  });

  test("a timestamp without offset is 400 Bad Request; an empty range is timeRangeEmpty", async () => {
    const cal = testCalendar();
    const bad = await cal.call("GET", `${EVENTS}?timeMin=2024-03-11T10:00:00`);
    expect(bad.status).toBe(400);
    expect(bad.json.error.errors[0]).toEqual({
      domain: "global",
      reason: "badRequest",
      message: "Bad Request",
    });
    const empty = await cal.call(
      "GET",
      `${EVENTS}?timeMin=2024-03-11T10:00:00Z&timeMax=2024-03-11T10:00:00Z`,
    );
    expect(empty.json.error.errors[0]).toEqual({
      domain: "calendar",
      reason: "timeRangeEmpty",
      message: "The specified time range is empty.",
      locationType: "parameter",
      location: "timeMax",
    });
  });

  test("all-day events are placed in the calendar's zone", async () => {
    const cal = testCalendar();
    await seed(cal, { id: "alldates1", start: { date: "2024-03-11" }, end: { date: "2024-03-12" } });
    // Madrid midnight is 23:00Z the day before.
    const hit = await cal.call("GET", `${EVENTS}?timeMin=2024-03-10T23:30:00Z&timeMax=2024-03-11T00:30:00Z`);
    expect(ids(hit.json)).toEqual(["alldates1"]);
    const miss = await cal.call("GET", `${EVENTS}?timeMin=2024-03-11T23:00:00Z`);
    expect(ids(miss.json)).toEqual([]);
  });
});

describe("events.list options", () => {
  test("orderBy=startTime needs singleEvents=true", async () => {
    const cal = testCalendar();
    const res = await cal.call("GET", `${EVENTS}?orderBy=startTime`);
    expect(res.status).toBe(400);
    expect(res.json.error.message).toBe("The requested ordering is not available for the particular query.");
    expect((await cal.call("GET", `${EVENTS}?orderBy=startTime&singleEvents=true`)).status).toBe(200);
    expect((await cal.call("GET", `${EVENTS}?orderBy=created`)).status).toBe(400);
  });

  test("orderBy startTime and updated", async () => {
    const cal = testCalendar();
    await seed(cal, timed("2024-03-13T09:00:00Z", "2024-03-13T10:00:00Z", { id: "third0001" }));
    await seed(cal, timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z", { id: "first0001" }));
    await seed(cal, timed("2024-03-12T09:00:00Z", "2024-03-12T10:00:00Z", { id: "second001" }));
    const byStart = await cal.call("GET", `${EVENTS}?singleEvents=true&orderBy=startTime`);
    expect(ids(byStart.json)).toEqual(["first0001", "second001", "third0001"]);
    await Bun.sleep(2);
    await cal.call("PATCH", `${EVENTS}/third0001`, { body: { summary: "touched" } });
    const byUpdated = await cal.call("GET", `${EVENTS}?orderBy=updated`);
    expect(ids(byUpdated.json).at(-1)).toBe("third0001");
  });

  test("q searches summary, description, location and attendees, every term", async () => {
    const cal = testCalendar();
    await seed(
      cal,
      timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z", { id: "qsummar01", summary: "Budget review" }),
    );
    await seed(
      cal,
      timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z", { id: "qlocate01", location: "Budget room" }),
    );
    await seed(
      cal,
      timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z", {
        id: "qattend01",
        attendees: [{ email: "dora@corp.test" }],
      }),
    );
    expect(ids((await cal.call("GET", `${EVENTS}?q=budget`)).json).sort()).toEqual([
      "qlocate01",
      "qsummar01",
    ]);
    expect(ids((await cal.call("GET", `${EVENTS}?q=budget%20review`)).json)).toEqual(["qsummar01"]);
    expect(ids((await cal.call("GET", `${EVENTS}?q=DORA`)).json)).toEqual(["qattend01"]);
  });

  test("pages with maxResults and nextPageToken", async () => {
    const cal = testCalendar();
    for (let i = 1; i <= 5; i++) {
      await seed(cal, timed(`2024-03-1${i}T09:00:00Z`, `2024-03-1${i}T10:00:00Z`, { id: `page0000${i}` }));
    }
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const query = `singleEvents=true&orderBy=startTime&maxResults=2${token ? `&pageToken=${token}` : ""}`;
      const res = await cal.call("GET", `${EVENTS}?${query}`);
      seen.push(...ids(res.json));
      token = res.json.nextPageToken;
      pages += 1;
    } while (token !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual(["page00001", "page00002", "page00003", "page00004", "page00005"]);
    expect((await cal.call("GET", `${EVENTS}?maxResults=0`)).status).toBe(400);
  });

  test("deleted events appear only with showDeleted=true", async () => {
    const cal = testCalendar();
    await seed(cal, timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z", { id: "gone00001" }));
    await cal.call("DELETE", `${EVENTS}/gone00001`);
    expect(ids((await cal.call("GET", EVENTS)).json)).toEqual([]);
    const shown = await cal.call("GET", `${EVENTS}?showDeleted=true`);
    expect(shown.json.items).toHaveLength(1);
    expect(shown.json.items[0]).toMatchObject({ id: "gone00001", status: "cancelled" });
  });

  test("timeZone renders dateTime values in that zone", async () => {
    const cal = testCalendar();
    await seed(cal, timed("2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z"));
    const res = await cal.call("GET", `${EVENTS}?timeZone=America/Los_Angeles`);
    expect(res.json.items[0].start.dateTime).toBe("2024-03-11T02:00:00-07:00");
    expect((await cal.call("GET", `${EVENTS}?timeZone=Mars/Olympus`)).status).toBe(400);
  });
});

describe("recurring events", () => {
  const weekly = (extra: Record<string, unknown> = {}) => ({
    id: "series001",
    summary: "Standup",
    start: { dateTime: "2024-03-11T09:00:00", timeZone: "Europe/Madrid" },
    end: { dateTime: "2024-03-11T09:15:00", timeZone: "Europe/Madrid" },
    recurrence: ["RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=8"],
    ...extra,
  });
  const window = "timeMin=2024-03-01T00:00:00Z&timeMax=2024-04-30T00:00:00Z";

  test("singleEvents=true expands instances with Google's ids and originalStartTime", async () => {
    const cal = testCalendar();
    await seed(cal, weekly());
    const res = await cal.call("GET", `${EVENTS}?singleEvents=true&orderBy=startTime&${window}`);
    expect(ids(res.json)).toEqual([
      "series001_20240311T080000Z",
      "series001_20240313T080000Z",
      "series001_20240318T080000Z",
      "series001_20240320T080000Z",
      "series001_20240325T080000Z",
      "series001_20240327T080000Z",
      // DST: 09:00 in Madrid is 07:00Z from 31 March.
      "series001_20240401T070000Z",
      "series001_20240403T070000Z",
    ]);
    const first = res.json.items[0];
    expect(first.recurringEventId).toBe("series001");
    expect(first.originalStartTime).toEqual({
      dateTime: "2024-03-11T09:00:00+01:00",
      timeZone: "Europe/Madrid",
    });
    expect(first.recurrence).toBeUndefined();
    expect(first.iCalUID).toBe("series001@google.com");
  });

  test("without singleEvents the series comes back once, with its recurrence", async () => {
    const cal = testCalendar();
    await seed(cal, weekly());
    const res = await cal.call("GET", `${EVENTS}?${window}`);
    expect(ids(res.json)).toEqual(["series001"]);
    expect(res.json.items[0].recurrence).toEqual(["RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=8"]);
    const later = await cal.call("GET", `${EVENTS}?timeMin=2024-06-01T00:00:00Z`);
    expect(ids(later.json)).toEqual([]);
  });

  test("instances can be read, modified and cancelled by id", async () => {
    const cal = testCalendar();
    await seed(cal, weekly());
    const instance = await cal.call("GET", `${EVENTS}/series001_20240313T080000Z`);
    expect(instance.status).toBe(200);
    expect(instance.json.start.dateTime).toBe("2024-03-13T09:00:00+01:00");
    expect((await cal.call("GET", `${EVENTS}/series001_20240314T080000Z`)).status).toBe(404);

    const moved = await cal.call("PATCH", `${EVENTS}/series001_20240318T080000Z`, {
      body: {
        start: { dateTime: "2024-03-18T10:00:00+01:00" },
        end: { dateTime: "2024-03-18T10:15:00+01:00" },
      },
    });
    expect(moved.json).toMatchObject({ id: "series001_20240318T080000Z", recurringEventId: "series001" });
    expect((await cal.call("DELETE", `${EVENTS}/series001_20240320T080000Z`)).status).toBe(204);
    expect((await cal.call("DELETE", `${EVENTS}/series001_20240320T080000Z`)).status).toBe(410);

    const res = await cal.call("GET", `${EVENTS}?singleEvents=true&orderBy=startTime&${window}`);
    const items = res.json.items as Array<{ id: string; start: { dateTime: string } }>;
    expect(items.map((i) => i.id)).not.toContain("series001_20240320T080000Z");
    expect(items.find((i) => i.id === "series001_20240318T080000Z")?.start.dateTime).toBe(
      "2024-03-18T10:00:00+01:00",
    );
    const instances = await cal.call("GET", `${EVENTS}/series001/instances?showDeleted=true`);
    expect(instances.json.items).toHaveLength(8);
  });

  test("EXDATE and UNTIL shape the expansion; all-day series use date ids", async () => {
    const cal = testCalendar();
    await seed(cal, {
      id: "dates0001",
      start: { date: "2024-03-11" },
      end: { date: "2024-03-12" },
      recurrence: ["RRULE:FREQ=DAILY;UNTIL=20240314", "EXDATE;VALUE=DATE:20240312"],
    });
    const res = await cal.call("GET", `${EVENTS}?singleEvents=true&${window}`);
    expect(ids(res.json)).toEqual(["dates0001_20240311", "dates0001_20240313", "dates0001_20240314"]);
  });

  test("deleting the series hides every instance", async () => {
    const cal = testCalendar();
    await seed(cal, weekly());
    await cal.call("DELETE", `${EVENTS}/series001`);
    expect(ids((await cal.call("GET", `${EVENTS}?singleEvents=true&${window}`)).json)).toEqual([]);
    expect((await cal.call("DELETE", `${EVENTS}/series001_20240311T080000Z`)).status).toBe(410);
  });

  test("an endless series is expanded only within the window", async () => {
    const cal = testCalendar();
    await seed(cal, weekly({ recurrence: ["RRULE:FREQ=DAILY"] }));
    const res = await cal.call(
      "GET",
      `${EVENTS}?singleEvents=true&timeMin=2030-01-01T00:00:00Z&timeMax=2030-01-04T00:00:00Z`,
    );
    expect(ids(res.json)).toEqual([
      "series001_20300101T080000Z",
      "series001_20300102T080000Z",
      "series001_20300103T080000Z",
    ]);
  });
});
