/**
 * Invitations and busy time, and invitations to recurring events: an invitation blocks the
 * invitee's time until declined; a series and its exceptions are one shared object.
 */

import { describe, expect, test } from "bun:test";
import { ANA, BOB } from "./calendar-test-kit.ts";
import { attendee, invite, OUTSIDER, pair } from "./invitation-kit.ts";

describe("invitations between emulator accounts: free/busy and recurring events", () => {
  test("free/busy: an invitation blocks the invitee's time until it is declined", async () => {
    const p = pair();
    await invite(p, "invite008");
    const window = { timeMin: "2024-05-06T00:00:00Z", timeMax: "2024-05-07T00:00:00Z", items: [{ id: BOB }] };
    const busy = async (): Promise<unknown> =>
      (await p.asBob("POST", "/freeBusy", window)).json.calendars[BOB].busy;
    const block = [{ start: "2024-05-06T09:00:00Z", end: "2024-05-06T10:00:00Z" }];
    expect(await busy()).toEqual(block);
    const answer = (status: string) => ({
      attendees: [{ email: ANA }, { email: BOB, responseStatus: status }, { email: OUTSIDER }],
    });
    await p.asBob("PATCH", "/calendars/primary/events/invite008", answer("tentative"));
    expect(await busy()).toEqual(block);
    await p.asBob("PATCH", "/calendars/primary/events/invite008", answer("declined"));
    expect(await busy()).toEqual([]);
    // Still in Bob's calendar, declined (patching is not removing).
    const seen = await p.asBob("GET", "/calendars/primary/events");
    expect(seen.json.items).toHaveLength(1);
  });

  test("a recurring series and its exceptions are shared; an occurrence can be answered", async () => {
    const p = pair();
    const created = await p.cal.call("POST", "/calendars/primary/events", {
      body: {
        id: "series001",
        summary: "Weekly",
        start: { dateTime: "2024-05-06T09:00:00", timeZone: "Europe/Madrid" },
        end: { dateTime: "2024-05-06T09:30:00", timeZone: "Europe/Madrid" },
        recurrence: ["RRULE:FREQ=WEEKLY;COUNT=3"],
        attendees: [{ email: ANA }, { email: BOB }],
      },
    });
    expect(created.json).toMatchObject({ id: "series001" });
    const second = "series001_20240513T070000Z";
    const third = "series001_20240520T070000Z";
    await p.cal.call("PATCH", `/calendars/primary/events/${second}`, {
      body: { summary: "Weekly (special)" },
    });
    await p.cal.call("DELETE", `/calendars/primary/events/${third}`);

    const window =
      "timeMin=2024-05-01T00:00:00Z&timeMax=2024-06-01T00:00:00Z&singleEvents=true&orderBy=startTime";
    const list = await p.asBob("GET", `/calendars/primary/events?${window}`);
    expect(list.json.items.map((e: { id: string; summary: string }) => [e.id, e.summary])).toEqual([
      ["series001_20240506T070000Z", "Weekly"],
      [second, "Weekly (special)"],
    ]);
    expect(list.json.items[0].organizer).toEqual({ email: ANA });

    // Bob accepts one occurrence only; Ana sees that answer on that occurrence.
    const occurrence = await p.asBob("GET", `/calendars/primary/events/${second}`);
    const accepted = await p.asBob("PATCH", `/calendars/primary/events/${second}`, {
      attendees: occurrence.json.attendees.map((a: { email: string }) =>
        a.email === BOB ? { email: BOB, responseStatus: "accepted" } : a,
      ),
    });
    expect(accepted.status).toBe(200);
    const anas = await p.cal.call("GET", `/calendars/primary/events/${second}`);
    expect(attendee(anas.json, BOB).responseStatus).toBe("accepted");
    const series = await p.cal.call("GET", "/calendars/primary/events/series001");
    expect(attendee(series.json, BOB).responseStatus).toBe("needsAction");
    // Bob cannot move his occurrence.
    const moved = await p.asBob("PATCH", `/calendars/primary/events/${second}`, {
      start: { dateTime: "2024-05-13T10:00:00Z" },
      end: { dateTime: "2024-05-13T10:30:00Z" },
    });
    expect(moved.status).toBe(403);
  });
});
