import { describe, expect, test } from "bun:test";
import type { DomainError } from "../../src/domain/errors.ts";
import { ACCOUNT, at, CUSTOMER, calendarWorld, codeOf, rejection } from "./calendar-fixtures.ts";

const TIMES = {
  start: { dateTime: "2026-03-10T15:00:00+01:00" },
  end: { dateTime: "2026-03-10T16:00:00+01:00" },
};

describe("CancelBooking", () => {
  test("cancels with one call; a second cancel says it was already cancelled", async () => {
    const { book, cancel, calendar } = await calendarWorld();
    const booked = await book.execute(CUSTOMER, {
      summary: "x",
      start: at("2026-03-10T15:00:00Z"),
      end: at("2026-03-10T16:00:00Z"),
    });
    calendar.resetCalls();
    expect(await cancel.execute(CUSTOMER, { eventId: booked.event.id, sendUpdates: "all" })).toEqual({
      eventId: booked.event.id,
      calendarId: "primary",
    });
    expect(calendar.callCount()).toBe(1);
    expect(calendar.storedEvents()[0]?.status).toBe("cancelled");
    const again = (await rejection(cancel.execute(CUSTOMER, { eventId: booked.event.id }))) as DomainError;
    expect(again.code).toBe("not_found");
    expect(again.details.deleted).toBe(true);
    expect(again.message).toContain("already cancelled");
  });

  test("an unknown event is not_found without deleted", async () => {
    const { cancel } = await calendarWorld();
    const error = (await rejection(cancel.execute(CUSTOMER, { eventId: "nothing1" }))) as DomainError;
    expect(error.code).toBe("not_found");
    expect(error.details.deleted).toBe(false);
  });

  test("a bad send_updates value is invalid_argument", async () => {
    const { cancel } = await calendarWorld();
    // biome-ignore lint/suspicious/noExplicitAny: a caller outside TypeScript can send anything
    expect(await codeOf(cancel.execute(CUSTOMER, { eventId: "a1", sendUpdates: "everyone" as any }))).toBe(
      "invalid_argument",
    );
  });
});

describe("RespondToInvitation", () => {
  test("changes only the customer's own answer", async () => {
    const { respond, calendar } = await calendarWorld();
    const event = calendar.seedEvent("primary", {
      ...TIMES,
      organizerEmail: "boss@example.com",
      attendees: [
        { email: "boss@example.com", responseStatus: "accepted", organizer: true },
        { email: ACCOUNT, responseStatus: "needsAction", self: true },
        { email: "peer@example.com", responseStatus: "tentative", optional: true },
      ],
    });
    const result = await respond.execute(CUSTOMER, { eventId: event.id, response: "declined" });
    expect(result).toMatchObject({ event: { id: event.id }, response: "declined" });
    expect(calendar.storedEvents()[0]?.attendees.map((a) => [a.email, a.responseStatus, a.optional])).toEqual(
      [
        ["boss@example.com", "accepted", undefined],
        [ACCOUNT, "declined", undefined],
        ["peer@example.com", "tentative", true],
      ],
    );
  });

  test("finds the customer by the account's email when Google did not mark self", async () => {
    const { respond, calendar } = await calendarWorld();
    const event = calendar.seedEvent("primary", {
      ...TIMES,
      attendees: [{ email: ACCOUNT.toUpperCase(), responseStatus: "needsAction" }],
    });
    await respond.execute(CUSTOMER, { eventId: event.id, response: "tentative" });
    expect(calendar.storedEvents()[0]?.attendees[0]?.responseStatus).toBe("tentative");
  });

  test("an event the customer is not invited to, or a bad response, is invalid_argument", async () => {
    const { respond, calendar } = await calendarWorld();
    const event = calendar.seedEvent("primary", {
      ...TIMES,
      attendees: [{ email: "someone@example.com", responseStatus: "accepted" }],
    });
    expect(await codeOf(respond.execute(CUSTOMER, { eventId: event.id, response: "accepted" }))).toBe(
      "invalid_argument",
    );
    // biome-ignore lint/suspicious/noExplicitAny: a caller outside TypeScript can send anything
    expect(await codeOf(respond.execute(CUSTOMER, { eventId: event.id, response: "maybe" as any }))).toBe(
      "invalid_argument",
    );
  });
});
