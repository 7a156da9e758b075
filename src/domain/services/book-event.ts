import type { CalendarEvent, EventDraft, Interval, SendUpdates } from "../calendar.ts";
import type { CustomerId } from "../customer-id.ts";
import { DomainError, isDomainError } from "../errors.ts";
import { idempotentEventId } from "../event-id.ts";
import { needsZone, parseEventSpan, parseTimeInput } from "../event-times.ts";
import { type OccurrenceWindow, occurrencesWithin } from "../recurrence.ts";
import { type BookingView, toBookingView } from "./booking-view.ts";
import type { CalendarDeps } from "./calendar-deps.ts";
import {
  attendeesOf,
  calendarIdOf,
  optional,
  optionalText,
  recurrenceOf,
  requiredText,
  sendUpdatesOf,
  timeZoneOf,
} from "./calendar-inputs.ts";
import { MAX_FREE_BUSY_DAYS } from "./check-availability.ts";
import { busyOf, overlapping, timeConflict } from "./conflicts.ts";
import { withAccessToken } from "./with-access-token.ts";

export interface BookEventInput {
  summary: string;
  /** RFC 3339 with offset, local "YYYY-MM-DDTHH:MM[:SS]" (read in time_zone), or "YYYY-MM-DD" (all-day). */
  start: string;
  /** Same forms as start; an all-day end date is exclusive. */
  end: string;
  /** IANA zone for local times and recurrences; default: the calendar's own zone. */
  time_zone?: string;
  description?: string;
  location?: string;
  attendees?: { email: string; optional?: boolean }[];
  calendar_id?: string;
  /** Same key (per customer) → same event, never two; a replay answers created: false. */
  idempotency_key?: string;
  /** Book even if the time overlaps busy time. Default false. */
  allow_conflicts?: boolean;
  add_meet_link?: boolean;
  send_updates?: SendUpdates;
  /** RFC 5545 lines, e.g. ["RRULE:FREQ=WEEKLY;COUNT=4"]. */
  recurrence?: string[];
}

export interface BookEventResult extends BookingView {
  /** False when an earlier call with the same idempotency_key already made this event. */
  created: boolean;
  /** For a recurring booking checked for conflicts: what the check covered. */
  occurrences_checked?: OccurrencesChecked;
}

export interface OccurrencesChecked {
  /** Occurrences compared with the calendar's busy time. */
  count: number;
  /** True when that is every occurrence of the series. */
  all: boolean;
  /** When not all: which ones were left out, and why. */
  note?: string;
}

/**
 * Books an event after checking the slot is free.
 *
 * The check and the insert run under the customer's booking lock, so two concurrent bookings
 * cannot both see the slot free. A first-time booking costs two Google calls (freeBusy,
 * insert); a replayed idempotency key is recognised by the id it derives.
 */
export class BookEvent {
  readonly #deps: Pick<CalendarDeps, "tokens" | "calendar" | "lock">;

  constructor(deps: Pick<CalendarDeps, "tokens" | "calendar" | "lock">) {
    this.#deps = deps;
  }

  /**
   * @throws DomainError invalid_argument, time_conflict (details.conflicts), not_found (calendar),
   *   calendar_not_connected, reauthorization_required, and the gateway's errors
   */
  async execute(customerId: CustomerId, input: BookEventInput): Promise<BookEventResult> {
    const calendarId = calendarIdOf(input.calendar_id);
    const timeZone = timeZoneOf(input.time_zone);
    const startInput = parseTimeInput("start", input.start);
    const endInput = parseTimeInput("end", input.end);
    const recurrence = recurrenceOf(input.recurrence);
    const draft: EventDraft = {
      summary: requiredText("summary", input.summary, 1024),
      ...optional("description", optionalText("description", input.description, 8192)),
      ...optional("location", optionalText("location", input.location, 1024)),
      ...optional("attendees", attendeesOf(input.attendees)),
      ...optional("recurrence", recurrence),
    };
    const sendUpdates = sendUpdatesOf(input.send_updates);
    const key =
      input.idempotency_key === undefined
        ? undefined
        : requiredText("idempotency_key", input.idempotency_key, 256);
    const eventId = key === undefined ? undefined : await idempotentEventId(customerId, key);
    const { calendar, lock, tokens } = this.#deps;

    return lock.withLock(customerId, "booking", (held) =>
      withAccessToken(tokens, customerId, async ({ accessToken }) => {
        // Google needs a zone for local times and all-day spans, and for every recurring event.
        const needed = needsZone(startInput) || needsZone(endInput) || recurrence !== undefined;
        const zone = timeZone ?? (needed ? await calendar.getTimeZone(accessToken, calendarId) : undefined);
        const span = parseEventSpan(startInput, endInput, zone);
        const checkConflicts = input.allow_conflicts !== true;
        const series =
          !checkConflicts || recurrence === undefined || zone === undefined
            ? null
            : occurrencesWithin(span, zone, recurrence, freeBusyWindowEnd(span.interval.start));
        if (checkConflicts) {
          const occurrences = series?.intervals ?? [span.interval];
          const conflicts = await this.#conflicts(accessToken, calendarId, occurrences, zone);
          if (conflicts.length > 0) {
            // A replay's own event is busy time too: recognise it before calling it a conflict.
            const earlier =
              eventId === undefined ? null : await this.#earlier(accessToken, calendarId, eventId);
            if (earlier !== null) return { ...toBookingView(earlier), created: false };
            throw timeConflict(conflicts, zone);
          }
        }
        try {
          await held.confirm();
          const event = await calendar.insertEvent(
            accessToken,
            calendarId,
            { ...draft, start: span.start, end: span.end },
            {
              ...optional("eventId", eventId),
              ...optional("addMeetLink", input.add_meet_link),
              ...optional("sendUpdates", sendUpdates),
            },
          );
          return { ...toBookingView(event), created: true, ...checkedOccurrences(series) };
        } catch (error) {
          if (eventId === undefined || !isDomainError(error, "duplicate_event")) throw error;
          const earlier = await this.#earlier(accessToken, calendarId, eventId);
          if (earlier === null) throw error;
          return { ...toBookingView(earlier), created: false };
        }
      }),
    );
  }

  /** Busy time on the calendar overlapping any of the occurrences, in one freeBusy call. */
  async #conflicts(
    accessToken: string,
    calendarId: string,
    occurrences: Interval[],
    zone: string | undefined,
  ): Promise<Interval[]> {
    // Every occurrence excluded (EXDATE on all of them): nothing can clash.
    if (occurrences.length === 0) return [];
    const answer = await this.#deps.calendar.freeBusy(accessToken, {
      timeMin: new Date(Math.min(...occurrences.map((interval) => interval.start.getTime()))),
      timeMax: new Date(Math.max(...occurrences.map((interval) => interval.end.getTime()))),
      calendarIds: [calendarId],
      ...(zone === undefined ? {} : { timeZone: zone }),
    });
    const busy = busyOf(answer, calendarId);
    const clashing = new Map<number, Interval>();
    for (const occurrence of occurrences) {
      for (const interval of overlapping(busy, occurrence)) clashing.set(interval.start.getTime(), interval);
    }
    return [...clashing.values()].sort((a, b) => a.start.getTime() - b.start.getTime());
  }

  /** The event an earlier call with this key made, or null if there is none. */
  async #earlier(accessToken: string, calendarId: string, eventId: string): Promise<CalendarEvent | null> {
    let event: CalendarEvent;
    try {
      event = await this.#deps.calendar.getEvent(accessToken, calendarId, eventId);
    } catch (error) {
      if (isDomainError(error, "not_found") && error.details.deleted !== true) return null;
      if (!isDomainError(error, "not_found")) throw error;
      throw keyUsedByCancelledBooking();
    }
    if (event.status === "cancelled") throw keyUsedByCancelledBooking();
    return event;
  }
}

/** Google's free/busy takes at most MAX_FREE_BUSY_DAYS: a series is checked that far from its start. */
function freeBusyWindowEnd(start: Date): Date {
  return new Date(start.getTime() + MAX_FREE_BUSY_DAYS * 86_400_000);
}

/** What the conflict check of a recurring booking covered; nothing for other bookings. */
function checkedOccurrences(series: OccurrenceWindow | null): { occurrences_checked?: OccurrencesChecked } {
  if (series === null) return {};
  const count = series.intervals.length;
  if (series.unsupported !== null) {
    return {
      occurrences_checked: {
        count,
        all: false,
        note: `Only the first occurrence was checked for conflicts: the recurrence uses ${series.unsupported}, which this check does not expand`,
      },
    };
  }
  if (series.complete) return { occurrences_checked: { count, all: true } };
  return {
    occurrences_checked: {
      count,
      all: false,
      note: `Occurrences more than ${MAX_FREE_BUSY_DAYS} days after the first were not checked for conflicts (Google's free/busy limit)`,
    },
  };
}

function keyUsedByCancelledBooking(): DomainError {
  return new DomainError(
    "invalid_argument",
    "idempotency_key was already used for a booking that has since been cancelled; use a new key to book again",
    { details: { field: "idempotency_key" } },
  );
}
