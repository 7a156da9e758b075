import type { CalendarEvent, EventDraft, Interval, SendUpdates } from "../calendar.ts";
import type { CustomerId } from "../customer-id.ts";
import { isDomainError } from "../errors.ts";
import { idempotentEventId } from "../event-id.ts";
import { type EventSpan, needsZone, parseEventSpan, type TimeInput } from "../event-times.ts";
import { checkIdempotencyKey } from "../idempotency-key.ts";
import type { ApprovalAnswer, InsertOptions } from "../ports/calendar-gateway.ts";
import type { HeldLock } from "../ports/customer-lock.ts";
import type { IdempotencyRecord, IdempotencyRecords } from "../ports/idempotency-records.ts";
import type { Sha256 } from "../ports/sha256.ts";
import { type OccurrenceWindow, occurrencesWithin } from "../recurrence.ts";
import { approvalOf } from "./approval-of.ts";
import { bookingFingerprint, bookingTrace } from "./booking-fingerprint.ts";
import { BookingKeys } from "./booking-keys.ts";
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
import { clashesOnCalendar, timeConflict } from "./conflicts.ts";
import { refusePastStart } from "./past-start.ts";
import { withAccessToken } from "./with-access-token.ts";

export interface BookEventCommand {
  summary: string;
  start: TimeInput;
  /** Same kind as start (both dates or both times); an all-day end date is exclusive. */
  end: TimeInput;
  /** IANA zone for local times and recurrences; default: the calendar's own zone. */
  timeZone?: string;
  description?: string;
  location?: string;
  attendees?: { email: string; optional?: boolean }[];
  /** Default "primary". */
  calendarId?: string;
  /** Same key (per customer) → same event, never two; a replay is the `replayed` outcome. */
  idempotencyKey?: string;
  /** Book even if the time overlaps busy time. Default false. */
  allowConflicts?: boolean;
  /** Book even if it starts in the past. Default false: a past start is refused. */
  allowPast?: boolean;
  addMeetLink?: boolean;
  sendUpdates?: SendUpdates;
  /** RFC 5545 lines, e.g. ["RRULE:FREQ=WEEKLY;COUNT=4"]. */
  recurrence?: string[];
  /** Repeat of a call Google held for the user's approval (DomainError approval_required). */
  approval?: ApprovalAnswer;
}

export type BookEventDeps = Pick<CalendarDeps, "tokens" | "calendar" | "lock" | "clock"> & {
  idempotency: IdempotencyRecords;
  /** Derives a key's event id and fingerprints its arguments. */
  sha256: Sha256;
};

/**
 * What booking did: made the event (and, for a recurring booking checked for conflicts, what
 * the check covered), or found the one an earlier call with the same idempotency key made.
 */
export type BookingOutcome =
  | { kind: "created"; event: CalendarEvent; occurrencesChecked?: OccurrencesChecked }
  | { kind: "replayed"; event: CalendarEvent };

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
 * insert); a replayed idempotency key costs one (the recorded event, read back).
 *
 * An idempotency key is recorded (BookingKeys) before the event is created, with a fingerprint
 * of the booking's arguments, so it holds across instances and restarts on either backend. The
 * insert also carries an id derived from the key: on REST it is the event's id, so Google itself
 * refuses a twin; on Google's MCP server it is a marker the event is found again by.
 */
export class BookEvent {
  readonly #deps: BookEventDeps;
  readonly #keys: BookingKeys;

  constructor(deps: BookEventDeps) {
    this.#deps = deps;
    this.#keys = new BookingKeys(deps);
  }

  /**
   * @throws DomainError invalid_argument, time_conflict (details.conflicts), not_found (calendar),
   *   idempotency_key_reused (details.differing_arguments), calendar_not_connected,
   *   reauthorization_required, approval_required, approval_declined, and the gateway's errors
   */
  async execute(customerId: CustomerId, command: BookEventCommand): Promise<BookingOutcome> {
    const calendarId = calendarIdOf(command.calendarId);
    const timeZone = timeZoneOf(command.timeZone);
    const { start: startInput, end: endInput } = command;
    const recurrence = recurrenceOf(command.recurrence);
    const draft: EventDraft = {
      summary: requiredText("summary", command.summary, 1024),
      ...optional("description", optionalText("description", command.description, 8192)),
      ...optional("location", optionalText("location", command.location, 1024)),
      ...optional("attendees", attendeesOf(command.attendees)),
      ...optional("recurrence", recurrence),
    };
    const sendUpdates = sendUpdatesOf(command.sendUpdates);
    const approval = approvalOf(customerId, command.approval);
    // Compared exactly as sent: never trimmed or normalized.
    const key =
      command.idempotencyKey === undefined ? undefined : checkIdempotencyKey(command.idempotencyKey);
    const { calendar, lock, tokens, sha256 } = this.#deps;
    const eventId = key === undefined ? undefined : idempotentEventId(sha256, customerId, key);
    const fingerprint =
      key === undefined
        ? undefined
        : bookingFingerprint(sha256, {
            summary: draft.summary ?? "",
            start: startInput,
            end: endInput,
            timeZone,
            description: draft.description,
            location: draft.location,
            attendees: draft.attendees,
            calendarId,
            recurrence,
            addMeetLink: command.addMeetLink,
          });

    // A keyed booking answers as soon as its event exists; its record is completed before the
    // lock is let go, so a repeat of the key (which waits for the lock) finds it completed.
    const answer = Promise.withResolvers<BookingOutcome>();
    const locked = lock.withLock(customerId, "booking", (held) =>
      withAccessToken(tokens, customerId, async ({ accessToken }): Promise<BookingOutcome> => {
        // Google needs a zone for local times and all-day spans, and for every recurring event.
        const needed = needsZone(startInput) || needsZone(endInput) || recurrence !== undefined;
        const zone = timeZone ?? (needed ? await calendar.getTimeZone(accessToken, calendarId) : undefined);
        const span = parseEventSpan(startInput, endInput, zone);
        if (command.allowPast !== true) {
          await refusePastStart(
            span,
            this.#deps.clock.now(),
            async () => zone ?? calendar.getTimeZone(accessToken, calendarId),
          );
        }
        const checkConflicts = command.allowConflicts !== true;
        const series =
          !checkConflicts || recurrence === undefined || zone === undefined
            ? null
            : occurrencesWithin(span, zone, recurrence, freeBusyWindowEnd(span.interval.start));
        const occurrences = checkConflicts ? (series?.intervals ?? [span.interval]) : null;
        let claimed: IdempotencyRecord | null = null;
        let clashes: Promise<Interval[]> | undefined;
        if (key !== undefined && eventId !== undefined && fingerprint !== undefined) {
          // A key never used (the usual case): Google is asked about the slot while the claim is
          // written, the two waits overlapping. A key used before is claimed first, so that
          // its replay asks Google nothing more.
          if (occurrences !== null && !(await this.#keys.isRecorded(customerId, key))) {
            clashes = this.#clashes(accessToken, calendarId, occurrences, zone);
            // Awaited in #book; a claim that fails first must not leave its failure unhandled.
            clashes.catch(() => undefined);
          }
          const outcome = await this.#keys.claim(
            accessToken,
            {
              customerId,
              key,
              fingerprint,
              calendarId,
              request: bookingTrace(sha256, draft.summary ?? "", span.interval.start, span.interval.end),
            },
            eventId,
          );
          if (outcome.kind === "replay") return { kind: "replayed", event: outcome.event };
          claimed = outcome.record;
        }
        try {
          const booked = await this.#book(
            held,
            accessToken,
            calendarId,
            draft,
            span,
            zone,
            eventId,
            command,
            {
              ...optional("sendUpdates", sendUpdates),
              ...approval,
            },
            { series, occurrences, clashes },
          );
          if (claimed !== null) {
            answer.resolve(booked);
            await this.#keys.complete(claimed, booked.event);
          }
          return booked;
        } catch (error) {
          if (claimed !== null) await this.#keys.failed(claimed, error);
          throw error;
        }
      }),
    );
    locked.then(answer.resolve, answer.reject);
    return answer.promise;
  }

  /**
   * Conflict check (over `occurrences`, null when conflicts are allowed; `clashes` when the
   * check was started already) and insert; a key's earlier event (REST: same id) answers as a
   * replay.
   */
  async #book(
    held: HeldLock,
    accessToken: string,
    calendarId: string,
    draft: EventDraft,
    span: EventSpan,
    zone: string | undefined,
    eventId: string | undefined,
    command: BookEventCommand,
    options: InsertOptions,
    check: { series: OccurrenceWindow | null; occurrences: Interval[] | null; clashes?: Promise<Interval[]> },
  ): Promise<BookingOutcome> {
    const { calendar } = this.#deps;
    const { series, occurrences } = check;
    if (occurrences !== null) {
      const conflicts = await (check.clashes ?? this.#clashes(accessToken, calendarId, occurrences, zone));
      if (conflicts.length > 0) {
        // A key's event made before keys were recorded (REST: its id) is busy time too.
        const earlier =
          eventId === undefined ? null : await this.#keys.find(accessToken, calendarId, eventId);
        if (earlier !== null) return { kind: "replayed", event: earlier };
        // Busy time is listed in the calendar's zone when the caller named none.
        throw timeConflict(
          conflicts,
          zone ?? (await this.#deps.calendar.getTimeZone(accessToken, calendarId)),
        );
      }
    }
    // The lock must still be ours right before the write (it is lost when its session dies).
    await held.confirm();
    try {
      const event = await calendar.insertEvent(
        accessToken,
        calendarId,
        { ...draft, start: span.start, end: span.end },
        {
          ...optional("eventId", eventId),
          ...optional("addMeetLink", command.addMeetLink),
          ...options,
        },
      );
      return { kind: "created", event, ...checkedOccurrences(series) };
    } catch (error) {
      if (eventId === undefined || !isDomainError(error, "duplicate_event")) throw error;
      return { kind: "replayed", event: await this.#keys.earlier(accessToken, calendarId, eventId) };
    }
  }

  /** Busy time overlapping the occurrences (conflicts.ts: one short freeBusy call when free). */
  #clashes(
    accessToken: string,
    calendarId: string,
    occurrences: Interval[],
    zone: string | undefined,
  ): Promise<Interval[]> {
    return clashesOnCalendar(
      this.#deps.calendar,
      accessToken,
      calendarId,
      occurrences,
      zone,
      MAX_FREE_BUSY_DAYS,
    );
  }
}

/** Google's free/busy takes at most MAX_FREE_BUSY_DAYS: a series is checked that far from its start. */
function freeBusyWindowEnd(start: Date): Date {
  return new Date(start.getTime() + MAX_FREE_BUSY_DAYS * 86_400_000);
}

/** What the conflict check of a recurring booking covered; nothing for other bookings. */
function checkedOccurrences(series: OccurrenceWindow | null): { occurrencesChecked?: OccurrencesChecked } {
  if (series === null) return {};
  const count = series.intervals.length;
  if (series.unsupported !== null) {
    return {
      occurrencesChecked: {
        count,
        all: false,
        note: `Only the first occurrence was checked for conflicts: the recurrence uses ${series.unsupported}, which this check does not expand`,
      },
    };
  }
  if (series.complete) return { occurrencesChecked: { count, all: true } };
  return {
    occurrencesChecked: {
      count,
      all: false,
      note: `Occurrences more than ${MAX_FREE_BUSY_DAYS} days after the first were not checked for conflicts (Google's free/busy limit)`,
    },
  };
}
