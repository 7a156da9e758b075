import { sha256 } from "../../src/adapters/system/sha256.ts";
import type { Interval } from "../../src/domain/calendar.ts";
import { parseTimeInput, type TimeInput } from "../../src/domain/event-times.ts";
import { BookEvent } from "../../src/domain/services/book-event.ts";
import { CancelBooking } from "../../src/domain/services/cancel-booking.ts";
import { CheckAvailability } from "../../src/domain/services/check-availability.ts";
import { FindAvailableSlots } from "../../src/domain/services/find-available-slots.ts";
import { GetEvent } from "../../src/domain/services/get-event.ts";
import { ListCalendars } from "../../src/domain/services/list-calendars.ts";
import { ListEvents } from "../../src/domain/services/list-events.ts";
import { RefreshToken } from "../../src/domain/services/refresh-token.ts";
import { RespondToInvitation } from "../../src/domain/services/respond-to-invitation.ts";
import { UpdateBooking } from "../../src/domain/services/update-booking.ts";
import { InMemoryCalendarGateway } from "../fakes/in-memory-calendar-gateway.ts";
import { InMemoryIdempotencyRecords } from "../fakes/in-memory-idempotency-records.ts";
import { aConnection, customer, fakeWorld } from "./connection-fixtures.ts";

export const CUSTOMER = customer();

/** An interval of two instants written as RFC 3339. */
export function interval(start: string, end: string): Interval {
  return { start: new Date(start), end: new Date(end) };
}

/** A time as a command carries it, from the text a caller would write. */
export function at(text: string): TimeInput {
  return parseTimeInput("time", text);
}
export const ACCOUNT = "user-123@gmail.com";

/**
 * A connected customer whose calendar is an `InMemoryCalendarGateway`, with every Calendar
 * service wired to it as the composition root would.
 */
export async function calendarWorld(options: { now?: string; timeZone?: string } = {}) {
  const world = fakeWorld();
  if (options.now !== undefined) world.clock.set(options.now);
  const calendar = new InMemoryCalendarGateway({
    email: ACCOUNT,
    timeZone: options.timeZone ?? "Europe/Madrid",
    clock: world.clock,
  });
  const tokens = new RefreshToken(world);
  // Connected through the fake, so its refresh token is one the fake honours.
  const code = world.oauth.issueCode("verifier", ACCOUNT);
  const granted = await world.oauth.exchangeCode(code, "verifier");
  const base = aConnection();
  await world.vault.put({
    ...base,
    email: ACCOUNT,
    tokens: {
      ...base.tokens,
      refreshToken: granted.refreshToken,
      expiresAt: new Date(world.clock.now().getTime() + 3600_000),
    },
  });
  const deps = { tokens, calendar, lock: world.lock, clock: world.clock };
  const idempotency = new InMemoryIdempotencyRecords();
  return {
    ...world,
    idempotency,
    calendar,
    tokens,
    accessToken: base.tokens.accessToken,
    listCalendars: new ListCalendars(deps),
    listEvents: new ListEvents(deps),
    getEvent: new GetEvent(deps),
    checkAvailability: new CheckAvailability(deps),
    findSlots: new FindAvailableSlots(deps),
    book: new BookEvent({ ...deps, idempotency, sha256 }),
    update: new UpdateBooking(deps),
    cancel: new CancelBooking(deps),
    respond: new RespondToInvitation(deps),
  };
}

/** The DomainError code a promise rejects with (fails the test if it resolves). */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await rejection(promise);
  return (error as { code?: string }).code ?? "not a DomainError";
}

export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection, but the promise resolved");
}
