import { afterAll, describe, expect, test } from "bun:test";
import { InProcessCustomerLock } from "../../../src/adapters/system/in-process-customer-lock.ts";
import { sha256 } from "../../../src/adapters/system/sha256.ts";
import { parseCustomerId } from "../../../src/domain/customer-id.ts";
import type { DomainError } from "../../../src/domain/errors.ts";
import { BookEvent } from "../../../src/domain/services/book-event.ts";
import { CancelBooking } from "../../../src/domain/services/cancel-booking.ts";
import { FindAvailableSlots } from "../../../src/domain/services/find-available-slots.ts";
import { RespondToInvitation } from "../../../src/domain/services/respond-to-invitation.ts";
import { UpdateBooking } from "../../../src/domain/services/update-booking.ts";
import type { AccessTokens } from "../../../src/domain/services/with-access-token.ts";
import { at, interval } from "../../domain/calendar-fixtures.ts";
import { FixedClock } from "../../fakes/fixed-clock.ts";
import { InMemoryIdempotencyRecords } from "../../fakes/in-memory-idempotency-records.ts";
import { ANA, calendarServer } from "./calendar-emulator-server.ts";

/**
 * The booking services over the real gateway and the emulator: the order of Google calls,
 * Google's duplicate-id and etag answers, and a 401 followed by a refresh.
 */
const emulator = calendarServer();
afterAll(() => emulator.stop());

const CUSTOMER = parseCustomerId("ana-customer");

function world() {
  let current = emulator.issueToken();
  let refreshes = 0;
  const tokens: AccessTokens = {
    execute: async () => ({ accessToken: current, scopes: [], email: ANA }),
    afterRejection: async () => {
      refreshes += 1;
      current = emulator.issueToken();
      return { accessToken: current, scopes: [], email: ANA };
    },
  };
  const deps = {
    tokens,
    calendar: emulator.gateway,
    lock: new InProcessCustomerLock(),
    clock: new FixedClock("2026-04-01T00:00:00Z"),
  };
  return {
    book: new BookEvent({ ...deps, idempotency: new InMemoryIdempotencyRecords(), sha256 }),
    update: new UpdateBooking(deps),
    cancel: new CancelBooking(deps),
    respond: new RespondToInvitation(deps),
    findSlots: new FindAvailableSlots(deps),
    refreshes: () => refreshes,
  };
}

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    return error as DomainError;
  }
  throw new Error("expected the call to fail");
}

describe("booking through the Google gateway", () => {
  test("two calls for a new booking; a replay finds its own event; a clash lists the busy time", async () => {
    const { book } = world();
    emulator.state.resetCounters();
    const input = {
      summary: "Interview",
      start: at("2026-04-06T10:00"),
      end: at("2026-04-06T11:00"),
      timeZone: "Europe/Madrid",
    };
    const first = await book.execute(CUSTOMER, { ...input, idempotencyKey: "interview-1" });
    expect(first.kind).toBe("created");
    expect([...emulator.state.counters.calendarCalls.entries()]).toEqual([
      ["freebusy.query", 1],
      ["events.insert", 1],
    ]);
    const replay = await book.execute(CUSTOMER, { ...input, idempotencyKey: "interview-1" });
    expect(replay).toMatchObject({ kind: "replayed", event: { id: first.event.id } });
    const clash = await failure(book.execute(CUSTOMER, { ...input, summary: "Other" }));
    expect(clash.code).toBe("time_conflict");
    expect(clash.details.conflicts).toEqual([
      { start: "2026-04-06T10:00:00+02:00", end: "2026-04-06T11:00:00+02:00" },
    ]);
  });

  test("an expired token is refreshed once and the booking goes through", async () => {
    const { book, refreshes } = world();
    emulator.state.expireAccessTokens(ANA);
    const booked = await book.execute(CUSTOMER, {
      summary: "After refresh",
      start: at("2026-04-07T09:00:00+02:00"),
      end: at("2026-04-07T09:30:00+02:00"),
    });
    expect(booked.kind).toBe("created");
    expect(refreshes()).toBe(1);
  });

  test("reschedule, respond, cancel", async () => {
    const { book, update, respond, cancel } = world();
    const booked = await book.execute(CUSTOMER, {
      summary: "Team sync",
      start: at("2026-04-08T15:00"),
      end: at("2026-04-08T16:00"),
      timeZone: "Europe/Madrid",
      attendees: [{ email: ANA }, { email: "bob@example.com" }],
    });
    const moved = await update.execute(CUSTOMER, { eventId: booked.event.id, start: at("2026-04-08T15:30") });
    expect(moved.end).toMatchObject({ dateTime: "2026-04-08T16:30:00+02:00" });
    const answered = await respond.execute(CUSTOMER, { eventId: booked.event.id, response: "tentative" });
    expect(answered.response).toBe("tentative");
    await cancel.execute(CUSTOMER, { eventId: booked.event.id });
    const again = await failure(cancel.execute(CUSTOMER, { eventId: booked.event.id }));
    expect(again.code).toBe("not_found");
    expect(again.details.deleted).toBe(true);
  });

  test("free slots read the calendar's zone from Google", async () => {
    const { findSlots } = world();
    const result = await findSlots.execute(CUSTOMER, {
      timeMin: at("2026-04-13T00:00:00Z"),
      timeMax: at("2026-04-14T00:00:00Z"),
      durationMinutes: 60,
      maxResults: 1,
    });
    expect(result.timeZone).toBe("Europe/Madrid");
    expect(result.slots).toEqual([interval("2026-04-13T09:00:00+02:00", "2026-04-13T10:00:00+02:00")]);
  });
});
