import type { CalendarEvent } from "../calendar.ts";
import type { CustomerId } from "../customer-id.ts";
import { DomainError, isDomainError } from "../errors.ts";
import { differingArguments } from "../idempotency-key.ts";
import type { CalendarGateway } from "../ports/calendar-gateway.ts";
import type { Clock } from "../ports/clock.ts";
import type {
  IdempotencyClaim,
  IdempotencyRecord,
  IdempotencyRecords,
} from "../ports/idempotency-records.ts";

/** What recording a booking's key decided: book it (holding the claim), or answer an earlier event. */
export type KeyOutcome =
  | { kind: "owner"; record: IdempotencyRecord }
  | { kind: "replay"; event: CalendarEvent };

export interface BookingKeysDeps {
  idempotency: IdempotencyRecords;
  calendar: CalendarGateway;
  clock: Clock;
}

/**
 * Idempotency keys of bookings, recorded before anything is created at Google. Callers hold the
 * customer's booking lock (across instances), so a pending record met here belongs to an attempt
 * that is over: it crashed, or Google's answer to it was lost. Such an attempt's event is looked
 * for at Google by the reference the insert carried (`eventId`: the event's id on REST, a marker
 * found by `listEvents({text})` on Google's MCP server) before the key is taken over.
 */
export class BookingKeys {
  readonly #deps: BookingKeysDeps;

  constructor(deps: BookingKeysDeps) {
    this.#deps = deps;
  }

  /**
   * @throws DomainError idempotency_key_reused (other arguments), invalid_argument (the key's
   *   booking was cancelled), storage_unavailable, record_unreadable, and the gateway's errors
   */
  async claim(accessToken: string, claim: IdempotencyClaim, eventId: string): Promise<KeyOutcome> {
    const { idempotency, clock } = this.#deps;
    const first = await idempotency.claim(claim, clock.now());
    if (first.claimed) return { kind: "owner", record: first.record };
    const existing = first.existing;
    const differing = differingArguments(existing.fingerprint, claim.fingerprint);
    if (differing.length > 0) throw keyReused(differing);
    if (existing.state === "completed" && existing.eventId !== null) {
      return {
        kind: "replay",
        event: await this.earlier(accessToken, existing.calendarId, existing.eventId),
      };
    }
    const found = await this.#lost(accessToken, existing, eventId);
    if (found !== null) {
      await idempotency.complete(existing, found.id, clock.now());
      return { kind: "replay", event: found };
    }
    const taken = await idempotency.takeOver(existing, clock.now());
    if (taken.claimed) return { kind: "owner", record: taken.record };
    const now = taken.existing;
    if (now.state === "completed" && now.eventId !== null) {
      return { kind: "replay", event: await this.earlier(accessToken, now.calendarId, now.eventId) };
    }
    throw new DomainError("storage_unavailable", "Another attempt holds this idempotency_key; try again");
  }

  /** Whether the key has a record already (see IdempotencyRecords.isRecorded). */
  isRecorded(customerId: CustomerId, key: string): Promise<boolean> {
    return this.#deps.idempotency.isRecorded(customerId, key);
  }

  /** The event was created: record it. A failure here leaves the claim pending, found again later. */
  async complete(record: IdempotencyRecord, event: CalendarEvent): Promise<void> {
    try {
      await this.#deps.idempotency.complete(record, event.id, this.#deps.clock.now());
    } catch (error) {
      if (!isDomainError(error)) throw error;
    }
  }

  /**
   * Nothing was created: free the key. An outcome we cannot know (Google unreachable or timing out
   * after the request left) keeps the claim pending instead, for the next call to look for.
   */
  async failed(record: IdempotencyRecord, error: unknown): Promise<void> {
    if (!isDomainError(error) || error.code === "google_unavailable") return;
    try {
      await this.#deps.idempotency.release(record);
    } catch {
      // Left pending: the next call with this key looks for an event, finds none and takes over.
    }
  }

  /** The event an earlier call with this key made; a cancelled one is refused. */
  async earlier(accessToken: string, calendarId: string, eventId: string): Promise<CalendarEvent> {
    const event = await this.find(accessToken, calendarId, eventId);
    if (event === null) throw keyUsedByCancelledBooking();
    return event;
  }

  /** The event with this id, null when there is none; a cancelled one is refused. */
  async find(accessToken: string, calendarId: string, eventId: string): Promise<CalendarEvent | null> {
    let event: CalendarEvent;
    try {
      event = await this.#deps.calendar.getEvent(accessToken, calendarId, eventId);
    } catch (error) {
      if (!isDomainError(error, "not_found")) throw error;
      if (error.details.deleted === true) throw keyUsedByCancelledBooking();
      return null;
    }
    if (event.status === "cancelled") throw keyUsedByCancelledBooking();
    return event;
  }

  /**
   * A dead attempt's event, searched by its reference within the booking's window: one
   * `listEvents` call. On REST the search finds nothing (Google does not search ids); the insert
   * that follows reuses the same event id, which Google refuses as a duplicate.
   */
  async #lost(
    accessToken: string,
    record: IdempotencyRecord,
    eventId: string,
  ): Promise<CalendarEvent | null> {
    const { calendar } = this.#deps;
    const page = await calendar.listEvents(accessToken, record.calendarId, {
      text: eventId,
      timeMin: record.request.start,
      timeMax: record.request.end,
      maxResults: 10,
    });
    const hit = page.events.find((event) => event.status !== "cancelled");
    if (hit === undefined) return null;
    // An instance of a recurring booking: the booking is its series.
    if (hit.recurringEventId === null) return hit;
    return this.earlier(accessToken, record.calendarId, hit.recurringEventId);
  }
}

function keyReused(differing: string[]): DomainError {
  return new DomainError(
    "idempotency_key_reused",
    `idempotencyKey was already used for a booking with other arguments (${differing.join(", ")} differ); use a new key for a new booking`,
    { details: { field: "idempotencyKey", differing_arguments: differing } },
  );
}

export function keyUsedByCancelledBooking(): DomainError {
  return new DomainError(
    "invalid_argument",
    "idempotencyKey was already used for a booking that has since been cancelled; use a new key to book again",
    { details: { field: "idempotencyKey" } },
  );
}
