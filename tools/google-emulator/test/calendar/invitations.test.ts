/**
 * Invitations between two emulator accounts over the REST API: Ana organizes, Bob is invited.
 * One event, seen from both calendars with the flags Google computes for each viewer.
 */

import { describe, expect, test } from "bun:test";
import { EmulatorState } from "../../src/emulator-state.ts";
import { restoreState, snapshotState } from "../../src/state-file.ts";
import { ANA, BOB, type CallResult, type TestCalendar, testCalendar, timed } from "./calendar-test-kit.ts";

const OUTSIDER = "guest@elsewhere.org";

interface Pair {
  cal: TestCalendar;
  bob: string;
  /** A call as Bob. */
  asBob: (method: string, path: string, body?: unknown) => Promise<CallResult>;
}

function pair(): Pair {
  const cal = testCalendar();
  const bob = cal.token(BOB);
  return { cal, bob, asBob: (method, path, body) => cal.call(method, path, { token: bob, body }) };
}

async function invite(p: Pair, id: string, extra: Record<string, unknown> = {}): Promise<CallResult> {
  const res = await p.cal.call("POST", "/calendars/primary/events", {
    body: timed("2024-05-06T09:00:00Z", "2024-05-06T10:00:00Z", {
      id,
      summary: "Planning",
      attendees: [{ email: ANA }, { email: BOB }, { email: OUTSIDER }],
      ...extra,
    }),
  });
  if (res.status !== 200) throw new Error(JSON.stringify(res.json));
  return res;
}

// biome-ignore lint/suspicious/noExplicitAny: attendee JSON from the wire
const attendee = (event: any, email: string): any => event.attendees.find((a: any) => a.email === email);

describe("invitations between emulator accounts (REST)", () => {
  test("the invited account sees the same event, with the organizer and its own flags", async () => {
    const p = pair();
    const created = await invite(p, "invite001");
    expect(created.json.organizer).toEqual({ email: ANA, self: true });
    expect(attendee(created.json, ANA)).toMatchObject({
      organizer: true,
      self: true,
      responseStatus: "accepted",
    });
    expect(attendee(created.json, BOB).self).toBeUndefined();

    const seen = await p.asBob("GET", "/calendars/primary/events/invite001");
    expect(seen.status).toBe(200);
    expect(seen.json).toMatchObject({ id: "invite001", summary: "Planning", status: "confirmed" });
    expect(seen.json.organizer).toEqual({ email: ANA });
    expect(seen.json.creator).toEqual({ email: ANA });
    expect(seen.json.iCalUID).toBe(created.json.iCalUID);
    expect(attendee(seen.json, ANA)).toMatchObject({ organizer: true, responseStatus: "accepted" });
    expect(attendee(seen.json, ANA).self).toBeUndefined();
    expect(attendee(seen.json, BOB)).toEqual({ email: BOB, responseStatus: "needsAction", self: true });
    expect(attendee(seen.json, OUTSIDER).self).toBeUndefined();

    const list = await p.asBob("GET", "/calendars/primary/events?timeMin=2024-05-06T00:00:00Z");
    expect(list.json.items.map((e: { id: string }) => e.id)).toEqual(["invite001"]);
    // An address that is not an emulator account gets nothing, and nothing breaks.
    expect(p.cal.state.calendarData.has(OUTSIDER)).toBe(false);
  });

  test("the invitee accepts on its copy; the organizer sees the answer", async () => {
    const p = pair();
    await invite(p, "invite002");
    const before = await p.asBob("GET", "/calendars/primary/events/invite002");
    const answer = before.json.attendees.map((a: { email: string; responseStatus: string }) => ({
      email: a.email,
      responseStatus: a.email === BOB ? "accepted" : a.responseStatus,
      ...(a.email === BOB ? { comment: "See you there" } : {}),
    }));
    const anasCalendar = p.cal.state.calendarData.get(ANA) as { updated: number };
    anasCalendar.updated = 0;
    const patched = await p.cal.call("PATCH", "/calendars/primary/events/invite002", {
      token: p.bob,
      body: { attendees: answer },
      headers: { "If-Match": before.json.etag },
    });
    expect(patched.status).toBe(200);
    expect(attendee(patched.json, BOB)).toMatchObject({ responseStatus: "accepted", self: true });
    expect(patched.json.etag).not.toBe(before.json.etag);
    expect(patched.json.sequence).toBe(before.json.sequence);
    expect(anasCalendar.updated).toBeGreaterThan(0);

    const organizer = await p.cal.call("GET", "/calendars/primary/events/invite002");
    expect(attendee(organizer.json, BOB)).toEqual({
      email: BOB,
      responseStatus: "accepted",
      comment: "See you there",
    });
    expect(organizer.json.etag).toBe(patched.json.etag);
  });

  test("events.update: the invitee may send back the event it read with only its answer changed", async () => {
    const p = pair();
    await invite(p, "invite011", { location: "Room 2" });
    const read = await p.asBob("GET", "/calendars/primary/events/invite011");
    const body = structuredClone(read.json);
    attendee(body, BOB).responseStatus = "tentative";
    const updated = await p.asBob("PUT", "/calendars/primary/events/invite011", body);
    expect(updated.status).toBe(200);
    expect(attendee(updated.json, BOB).responseStatus).toBe("tentative");
    const anas = await p.cal.call("GET", "/calendars/primary/events/invite011");
    expect(attendee(anas.json, BOB).responseStatus).toBe("tentative");
    body.location = "Room 3";
    expect((await p.asBob("PUT", "/calendars/primary/events/invite011", body)).status).toBe(403);
  });

  test("any other change by the invitee is 403 forbiddenForNonOrganizer and changes nothing", async () => {
    const p = pair();
    await invite(p, "invite003");
    const refused = [
      { summary: "Mine now" },
      { start: { dateTime: "2024-05-06T11:00:00Z" }, end: { dateTime: "2024-05-06T12:00:00Z" } },
      { attendees: [{ email: ANA }, { email: BOB, responseStatus: "accepted" }] },
      { attendees: [{ email: ANA }, { email: BOB }, { email: OUTSIDER }, { email: "new@example.com" }] },
      { reminders: { useDefault: false, overrides: [{ method: "popup", minutes: 5 }] } },
      { status: "cancelled" },
    ];
    for (const body of refused) {
      const res = await p.asBob("PATCH", "/calendars/primary/events/invite003", body);
      expect(res.status).toBe(403);
      expect(res.json).toEqual({
        error: {
          errors: [
            {
              domain: "calendar",
              reason: "forbiddenForNonOrganizer",
              message: "Shared properties can only be changed by the organizer of the event.",
            },
          ],
          code: 403,
          message: "Shared properties can only be changed by the organizer of the event.",
        },
      });
    }
    const unchanged = await p.cal.call("GET", "/calendars/primary/events/invite003");
    expect(unchanged.json.summary).toBe("Planning");
    expect(unchanged.json.attendees).toHaveLength(3);
    expect(unchanged.json.sequence).toBe(0);
  });

  test("guestsCanModify lets the invitee change the event for everyone", async () => {
    const p = pair();
    await invite(p, "invite004", { guestsCanModify: true });
    const res = await p.asBob("PATCH", "/calendars/primary/events/invite004", { summary: "Renamed by Bob" });
    expect(res.status).toBe(200);
    expect(res.json.organizer).toEqual({ email: ANA });
    const organizer = await p.cal.call("GET", "/calendars/primary/events/invite004");
    expect(organizer.json.summary).toBe("Renamed by Bob");
  });

  test("the organizer's changes reach the invitee; removing the invitee takes it away", async () => {
    const p = pair();
    await invite(p, "invite005");
    // Bob's calendar must learn of Ana's write: its `updated` is the change-tracking point.
    const bobsCalendar = p.cal.state.calendarData.get(BOB) as { updated: number };
    bobsCalendar.updated = 0;
    const moved = await p.cal.call("PATCH", "/calendars/primary/events/invite005", {
      body: {
        summary: "Planning (moved)",
        start: { dateTime: "2024-05-07T15:00:00Z" },
        end: { dateTime: "2024-05-07T16:00:00Z" },
      },
    });
    expect(moved.status).toBe(200);
    const seen = await p.asBob("GET", "/calendars/primary/events/invite005");
    expect(seen.json).toMatchObject({ summary: "Planning (moved)", sequence: 1 });
    expect(seen.json.start.dateTime).toBe("2024-05-07T11:00:00-04:00");
    expect(bobsCalendar.updated).toBeGreaterThan(0);

    await p.cal.call("PATCH", "/calendars/primary/events/invite005", {
      body: { attendees: [{ email: ANA }, { email: OUTSIDER }] },
    });
    const gone = await p.asBob("GET", "/calendars/primary/events/invite005");
    expect(gone.json.status).toBe("cancelled");
    const list = await p.asBob("GET", "/calendars/primary/events");
    expect(list.json.items).toEqual([]);
    const withDeleted = await p.asBob("GET", "/calendars/primary/events?showDeleted=true");
    expect(withDeleted.json.items.map((e: { id: string }) => e.id)).toEqual(["invite005"]);
    // The organizer's event is untouched by what Bob's calendar keeps.
    const organizer = await p.cal.call("GET", "/calendars/primary/events/invite005");
    expect(organizer.json.status).toBe("confirmed");

    // Invited again: it comes back, the same object again.
    await p.cal.call("PATCH", "/calendars/primary/events/invite005", {
      body: { attendees: [{ email: ANA }, { email: BOB }], summary: "Back" },
    });
    const back = await p.asBob("GET", "/calendars/primary/events/invite005");
    expect(back.json).toMatchObject({ status: "confirmed", summary: "Back" });
    expect(attendee(back.json, BOB)).toMatchObject({ responseStatus: "needsAction", self: true });
  });

  test("the organizer cancelling shows the event cancelled in the invitee's calendar", async () => {
    const p = pair();
    await invite(p, "invite006");
    expect((await p.cal.call("DELETE", "/calendars/primary/events/invite006")).status).toBe(204);
    const seen = await p.asBob("GET", "/calendars/primary/events/invite006");
    expect(seen.status).toBe(200);
    expect(seen.json.status).toBe("cancelled");
    expect((await p.asBob("GET", "/calendars/primary/events")).json.items).toEqual([]);
    const deleted = await p.asBob("GET", "/calendars/primary/events?showDeleted=true");
    expect(deleted.json.items.map((e: { id: string; status: string }) => [e.id, e.status])).toEqual([
      ["invite006", "cancelled"],
    ]);
    // Nothing left to answer: Bob's delete is the 410 of a deleted event.
    expect((await p.asBob("DELETE", "/calendars/primary/events/invite006")).status).toBe(410);
  });

  test("the invitee deleting removes only its copy and declines", async () => {
    const p = pair();
    await invite(p, "invite007");
    expect((await p.asBob("DELETE", "/calendars/primary/events/invite007")).status).toBe(204);
    const bobs = await p.asBob("GET", "/calendars/primary/events/invite007");
    expect(bobs.json.status).toBe("cancelled");
    expect((await p.asBob("GET", "/calendars/primary/events")).json.items).toEqual([]);
    expect((await p.asBob("DELETE", "/calendars/primary/events/invite007")).status).toBe(410);

    const anas = await p.cal.call("GET", "/calendars/primary/events/invite007");
    expect(anas.json.status).toBe("confirmed");
    expect(attendee(anas.json, BOB).responseStatus).toBe("declined");
    expect((await p.cal.call("GET", "/calendars/primary/events")).json.items).toHaveLength(1);

    // An organizer edit does not put a declined, removed invitation back.
    await p.cal.call("PATCH", "/calendars/primary/events/invite007", { body: { summary: "Still on" } });
    expect((await p.asBob("GET", "/calendars/primary/events/invite007")).json.status).toBe("cancelled");
  });

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

  test("a snapshot restores one shared event, not two diverging copies", async () => {
    const p = pair();
    await invite(p, "invite009");
    await invite(p, "invite010");
    await p.asBob("DELETE", "/calendars/primary/events/invite010");
    await p.cal.call("POST", "/calendars/primary/events", {
      token: p.bob,
      body: timed("2024-05-08T09:00:00Z", "2024-05-08T10:00:00Z", {
        id: "bobevent01",
        attendees: [{ email: ANA }],
      }),
    });

    const restored = restoreInto(p.cal.state);
    const organizerCopy = calendarEvents(restored, ANA).get("invite009");
    expect(organizerCopy).toBeDefined();
    expect(calendarEvents(restored, BOB).get("invite009")).toBe(organizerCopy);
    expect(calendarEvents(restored, BOB).get("invite010")?.status).toBe("cancelled");
    expect(calendarEvents(restored, ANA).get("invite010")?.status).toBe("confirmed");
    const bobsOwn = calendarEvents(restored, BOB).get("bobevent01");
    expect(bobsOwn?.organizer).toBe(BOB);
    expect(calendarEvents(restored, ANA).get("bobevent01")).toBe(bobsOwn);

    // Served from the restored state: an answer by Bob is what Ana reads.
    const cal = testCalendarOver(restored);
    const bob = cal.token(BOB);
    await cal.call("PATCH", "/calendars/primary/events/invite009", {
      token: bob,
      body: { attendees: [{ email: ANA }, { email: BOB, responseStatus: "accepted" }, { email: OUTSIDER }] },
    });
    const anas = await cal.call("GET", "/calendars/primary/events/invite009");
    expect(attendee(anas.json, BOB).responseStatus).toBe("accepted");
    // And the sharing survives a second round trip unchanged.
    expect(snapshotState(restoreInto(restored))).toBe(snapshotState(restored));
  });

  test("a snapshot taken before events had organizers restores them as the owner's", () => {
    const p = pair();
    const legacy = JSON.parse(snapshotState(p.cal.state));
    legacy.calendars = [
      {
        id: ANA,
        ownerEmail: ANA,
        summary: ANA,
        timeZone: "Europe/Madrid",
        updated: 0,
        etag: '"1"',
        events: [
          {
            id: "olden0001",
            status: "confirmed",
            created: 0,
            updated: 0,
            etag: '"1"',
            sequence: 0,
            start: { kind: "dateTime", instant: 0, timeZone: null },
            end: { kind: "dateTime", instant: 3_600_000, timeZone: null },
            recurrence: null,
            fields: {},
            attendees: [],
            conferenceData: null,
            recurringEventId: null,
            originalStart: null,
            exceptions: [],
          },
        ],
      },
    ];
    const state = new EmulatorState();
    restoreState(state, JSON.stringify(legacy));
    expect(calendarEvents(state, ANA).get("olden0001")?.organizer).toBe(ANA);
  });
});

function restoreInto(from: EmulatorState): EmulatorState {
  const state = new EmulatorState();
  for (const account of from.accounts.values()) state.addAccount(account);
  restoreState(state, snapshotState(from));
  return state;
}

function calendarEvents(
  state: EmulatorState,
  email: string,
): Map<string, { status: string; organizer: string }> {
  const record = state.calendarData.get(email) as {
    events: Map<string, { status: string; organizer: string }>;
  };
  return record.events;
}

/** The test kit's client, serving an existing state. */
function testCalendarOver(state: EmulatorState): TestCalendar {
  const cal = testCalendar();
  cal.state.calendarData = state.calendarData;
  return cal;
}
