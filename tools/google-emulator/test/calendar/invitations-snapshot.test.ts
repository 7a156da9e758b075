/**
 * The emulator's snapshot (state-file.ts) keeps an invitation as ONE event referenced from
 * both calendars, so that after a sandbox restart the invitee's answer still reaches the
 * organizer; snapshots taken before events had organizers still load.
 */

import { describe, expect, test } from "bun:test";
import { EmulatorState } from "../../src/emulator-state.ts";
import { restoreState, snapshotState } from "../../src/state-file.ts";
import { ANA, BOB, type TestCalendar, testCalendar, timed } from "./calendar-test-kit.ts";
import { attendee, invite, OUTSIDER, pair } from "./invitation-kit.ts";

describe("emulator snapshots keep invitations shared", () => {
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
