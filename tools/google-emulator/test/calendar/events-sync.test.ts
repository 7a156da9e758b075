import { describe, expect, test } from "bun:test";
import { expireSyncTokens } from "../../src/calendar/change-log.ts";
import { testCalendar, timed } from "./calendar-test-kit.ts";

const EVENTS = "/calendars/primary/events";

describe("events.list syncToken / nextSyncToken", () => {
  test("a full list ends with nextSyncToken; the incremental one has exactly the changes since, deletions as cancelled stubs", async () => {
    const { call } = testCalendar();
    const kept = await call("POST", EVENTS, { body: timed("2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z") });
    const moved = await call("POST", EVENTS, { body: timed("2026-03-03T09:00:00Z", "2026-03-03T10:00:00Z") });
    const gone = await call("POST", EVENTS, { body: timed("2026-03-04T09:00:00Z", "2026-03-04T10:00:00Z") });
    const full = await call("GET", `${EVENTS}?maxResults=2`);
    expect(full.json.nextSyncToken).toBeUndefined();
    const last = await call("GET", `${EVENTS}?maxResults=2&pageToken=${full.json.nextPageToken}`);
    const token = last.json.nextSyncToken as string;
    expect(typeof token).toBe("string");

    const none = await call("GET", `${EVENTS}?syncToken=${token}`);
    expect([none.status, none.json.items, typeof none.json.nextSyncToken]).toEqual([200, [], "string"]);

    await call("PATCH", `${EVENTS}/${moved.json.id}`, {
      body: { start: { dateTime: "2026-03-03T11:00:00Z" }, end: { dateTime: "2026-03-03T12:00:00Z" } },
    });
    await call("DELETE", `${EVENTS}/${gone.json.id}`);
    const added = await call("POST", EVENTS, { body: timed("2026-03-05T09:00:00Z", "2026-03-05T10:00:00Z") });
    const changes = await call("GET", `${EVENTS}?syncToken=${token}`);
    expect(changes.json.items.map((item: { id: string; status: string }) => [item.id, item.status])).toEqual([
      [moved.json.id, "confirmed"],
      [gone.json.id, "cancelled"],
      [added.json.id, "confirmed"],
    ]);
    expect(changes.json.items[0].start.dateTime).toBe("2026-03-03T12:00:00+01:00");
    expect(changes.json.items[1].summary).toBeUndefined();
    expect(changes.json.items.map((item: { id: string }) => item.id)).not.toContain(kept.json.id);

    const after = await call("GET", `${EVENTS}?syncToken=${changes.json.nextSyncToken}`);
    expect(after.json.items).toEqual([]);
  });

  test("an expired, malformed or foreign token answers 410 fullSyncRequired", async () => {
    const { call, state, token: tokenFor } = testCalendar();
    const full = await call("GET", EVENTS);
    const token = full.json.nextSyncToken as string;
    const bob = await call("GET", EVENTS, { token: tokenFor("bob@example.com") });
    for (const bad of ["garbage", bob.json.nextSyncToken as string]) {
      const answer = await call("GET", `${EVENTS}?syncToken=${encodeURIComponent(bad)}`);
      expect([answer.status, answer.json.error.errors[0].reason]).toEqual([410, "fullSyncRequired"]);
    }
    expect((await call("GET", `${EVENTS}?syncToken=${token}`)).status).toBe(200);
    expireSyncTokens(state);
    const expired = await call("GET", `${EVENTS}?syncToken=${token}`);
    expect(expired.status).toBe(410);
    expect(expired.json.error).toEqual({
      errors: [
        {
          domain: "global",
          reason: "fullSyncRequired",
          message: "Sync token is no longer valid, a full sync is required.",
        },
      ],
      code: 410,
      message: "Sync token is no longer valid, a full sync is required.",
    });
  });

  test("parameters that would make the client's state inconsistent are refused beside a syncToken", async () => {
    const { call } = testCalendar();
    const token = (await call("GET", EVENTS)).json.nextSyncToken as string;
    const answer = await call("GET", `${EVENTS}?syncToken=${token}&timeMin=2026-03-01T00:00:00Z`);
    expect([answer.status, answer.json.error.errors[0].reason]).toEqual([400, "invalidParameter"]);
  });
});
