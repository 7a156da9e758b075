/**
 * Invitations between two emulator accounts over the REST API: Ana organizes, Bob is invited.
 * One event, seen from both calendars with the flags Google computes for each viewer.
 */

import { describe, expect, test } from "bun:test";
import { ANA, BOB } from "./calendar-test-kit.ts";
import { attendee, invite, OUTSIDER, pair } from "./invitation-kit.ts";

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

  test("guestsCanModify lets the invitee change the event for everyone, but not cancel it", async () => {
    const p = pair();
    await invite(p, "invite004", { guestsCanModify: true });
    const res = await p.asBob("PATCH", "/calendars/primary/events/invite004", { summary: "Renamed by Bob" });
    expect(res.status).toBe(200);
    expect(res.json.organizer).toEqual({ email: ANA });
    const organizer = await p.cal.call("GET", "/calendars/primary/events/invite004");
    expect(organizer.json.summary).toBe("Renamed by Bob");
    // Deleting is still only Bob's: it leaves his calendar, and Ana's event stays.
    expect((await p.asBob("DELETE", "/calendars/primary/events/invite004")).status).toBe(204);
    const after = await p.cal.call("GET", "/calendars/primary/events/invite004");
    expect(after.json.status).toBe("confirmed");
    expect(attendee(after.json, BOB).responseStatus).toBe("declined");
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
});
