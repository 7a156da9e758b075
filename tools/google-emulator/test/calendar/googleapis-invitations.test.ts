/**
 * An invitation between two emulator accounts through the real `@googleapis/calendar` client:
 * Ana invites Bob, Bob answers on his copy, a non-organizer change surfaces as gaxios' 403.
 */

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { calendar, type calendar_v3 } from "@googleapis/calendar";
import { ANA, BOB, testCalendar } from "./calendar-test-kit.ts";

const kit = testCalendar();
let server: ReturnType<typeof Bun.serve>;
let ana: calendar_v3.Calendar;
let bob: calendar_v3.Calendar;

function clientFor(token: string): calendar_v3.Calendar {
  return calendar({
    version: "v3",
    rootUrl: `http://127.0.0.1:${server.port}/`,
    headers: { Authorization: `Bearer ${token}` },
    retry: false,
  });
}

beforeAll(() => {
  server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: kit.app.fetch });
  ana = clientFor(kit.token(ANA));
  bob = clientFor(kit.token(BOB));
});

afterAll(async () => {
  await server.stop(true);
});

const self = (event: calendar_v3.Schema$Event): calendar_v3.Schema$EventAttendee | undefined =>
  event.attendees?.find((attendee) => attendee.self === true);

describe("@googleapis/calendar: invitations between emulator accounts", () => {
  test("invite, answer, refusal, organizer move, cancellation", async () => {
    const created = await ana.events.insert({
      calendarId: "primary",
      sendUpdates: "all",
      requestBody: {
        summary: "Review",
        start: { dateTime: "2024-06-03T10:00:00Z" },
        end: { dateTime: "2024-06-03T11:00:00Z" },
        attendees: [{ email: ANA }, { email: BOB }],
      },
    });
    const id = created.data.id ?? "";

    const invitation = await bob.events.get({ calendarId: "primary", eventId: id });
    expect(invitation.data.organizer).toEqual({ email: ANA });
    expect(self(invitation.data)).toEqual({ email: BOB, responseStatus: "needsAction", self: true });

    // What a client does to answer: send the whole list back, changing only its own answer.
    const answered = await bob.events.patch({
      calendarId: "primary",
      eventId: id,
      requestBody: {
        attendees: invitation.data.attendees?.map((attendee) => ({
          email: attendee.email,
          responseStatus: attendee.self === true ? "accepted" : attendee.responseStatus,
        })),
      },
    });
    expect(self(answered.data)?.responseStatus).toBe("accepted");
    const organizerView = await ana.events.get({ calendarId: "primary", eventId: id });
    expect(organizerView.data.attendees?.find((a) => a.email === BOB)?.responseStatus).toBe("accepted");
    expect(self(organizerView.data)).toMatchObject({ email: ANA, organizer: true });

    const refused = await bob.events
      .patch({ calendarId: "primary", eventId: id, requestBody: { summary: "Bob's now" } })
      .then(
        () => null,
        (error: { status?: number; response?: { data: unknown } }) => error,
      );
    expect(refused?.status).toBe(403);
    expect(refused?.response?.data).toMatchObject({
      error: { code: 403, errors: [{ domain: "calendar", reason: "forbiddenForNonOrganizer" }] },
    });

    await ana.events.patch({
      calendarId: "primary",
      eventId: id,
      requestBody: { start: { dateTime: "2024-06-04T10:00:00Z" }, end: { dateTime: "2024-06-04T11:00:00Z" } },
    });
    const moved = await bob.events.list({
      calendarId: "primary",
      timeMin: "2024-06-04T00:00:00Z",
      timeMax: "2024-06-05T00:00:00Z",
      singleEvents: true,
    });
    expect(moved.data.items?.map((event) => [event.id, event.start?.dateTime])).toEqual([
      [id, "2024-06-04T06:00:00-04:00"],
    ]);

    await ana.events.delete({ calendarId: "primary", eventId: id, sendUpdates: "all" });
    const cancelled = await bob.events.get({ calendarId: "primary", eventId: id });
    expect(cancelled.data.status).toBe("cancelled");
  });
});
