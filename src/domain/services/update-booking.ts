import type { CalendarEvent, EventDraft, EventTime, SendUpdates } from "../calendar.ts";
import type { CustomerId } from "../customer-id.ts";
import { DomainError } from "../errors.ts";
import {
  type EventSpan,
  needsZone,
  parseEventSpan,
  parseTimeInput,
  shiftDate,
  type TimeInput,
  toInstant,
} from "../event-times.ts";
import type { ApprovalAnswer, CalendarGateway } from "../ports/calendar-gateway.ts";
import { daysBetween, formatDate, formatInstant, type LocalDate } from "../zoned-time.ts";
import { approvalOf } from "./approval-of.ts";
import type { CalendarDeps } from "./calendar-deps.ts";
import {
  attendeesOf,
  calendarIdOf,
  invalidArgument,
  optional,
  optionalText,
  requiredText,
  sendUpdatesOf,
  timeZoneOf,
} from "./calendar-inputs.ts";
import { timeConflict } from "./conflicts.ts";
import { busyExcept } from "./event-conflicts.ts";
import { refusePastStart } from "./past-start.ts";
import { withAccessToken } from "./with-access-token.ts";

export interface UpdateBookingCommand {
  eventId: string;
  /** Default "primary". */
  calendarId?: string;
  summary?: string;
  /** New start; given alone, the event keeps its length. */
  start?: TimeInput;
  /** New end; given alone, the start stays. */
  end?: TimeInput;
  /** Zone for local times; default: the event's own zone, else the calendar's. */
  timeZone?: string;
  description?: string;
  location?: string;
  /** Replaces the attendee list; people already invited keep their responses. */
  attendees?: { email: string; optional?: boolean }[];
  sendUpdates?: SendUpdates;
  /** Move even if the new time overlaps busy time. Default false. */
  allowConflicts?: boolean;
  /** Repeat of a call Google held for the user's approval (DomainError approval_required). */
  approval?: ApprovalAnswer;
  /** Move even to a start in the past. Default false: a past start is refused. */
  allowPast?: boolean;
}

/**
 * Changes or reschedules a booking. The write carries the etag read at the start, so a change
 * made meanwhile elsewhere surfaces as `precondition_failed` instead of being overwritten.
 */
export class UpdateBooking {
  readonly #deps: Pick<CalendarDeps, "tokens" | "calendar" | "lock" | "clock">;

  constructor(deps: Pick<CalendarDeps, "tokens" | "calendar" | "lock" | "clock">) {
    this.#deps = deps;
  }

  /**
   * @throws DomainError invalid_argument, not_found (details.deleted when cancelled),
   *   time_conflict, precondition_failed, and the gateway's errors
   */
  async execute(customerId: CustomerId, command: UpdateBookingCommand): Promise<CalendarEvent> {
    const eventId = requiredText("eventId", command.eventId, 1024);
    const calendarId = calendarIdOf(command.calendarId);
    const timeZone = timeZoneOf(command.timeZone);
    const { start: startInput, end: endInput } = command;
    const attendees = attendeesOf(command.attendees);
    const fields: EventDraft = {
      ...optional(
        "summary",
        command.summary === undefined ? undefined : requiredText("summary", command.summary, 1024),
      ),
      ...optional("description", optionalText("description", command.description, 8192)),
      ...optional("location", optionalText("location", command.location, 1024)),
    };
    const sendUpdates = sendUpdatesOf(command.sendUpdates);
    const approval = approvalOf(customerId, command.approval);
    const moving = startInput !== undefined || endInput !== undefined;
    if (!moving && attendees === undefined && Object.keys(fields).length === 0) {
      throw new DomainError(
        "invalid_argument",
        "Nothing to change: give at least one of summary, start, end, description, location, attendees",
        { details: { field: "eventId" } },
      );
    }
    const { calendar, lock, tokens } = this.#deps;

    return lock.withLock(customerId, "booking", () =>
      withAccessToken(tokens, customerId, async ({ accessToken }) => {
        const existing = await calendar.getEvent(accessToken, calendarId, eventId);
        if (existing.status === "cancelled") throw cancelled(eventId);
        const changes: Parameters<CalendarGateway["patchEvent"]>[3] = { ...fields };
        if (attendees !== undefined) changes.attendees = keepResponses(attendees, existing);
        if (moving) {
          const calendarZone = lazy(() => calendar.getTimeZone(accessToken, calendarId));
          const needed =
            [startInput, endInput].some((time) => time !== undefined && needsZone(time)) ||
            existing.recurrence.length > 0;
          const eventZone = "timeZone" in existing.start ? existing.start.timeZone : undefined;
          // The event keeps the zone it was shown in unless the caller names another.
          const zone = timeZone ?? eventZone ?? (needed ? await calendarZone() : undefined);
          const span = newSpan(existing, startInput, endInput, zone);
          // Only a new start can be in the past: changing just the end of a running event is fine.
          if (startInput !== undefined && command.allowPast !== true) {
            await refusePastStart(span, this.#deps.clock.now(), async () => zone ?? calendarZone());
          }
          if (command.allowConflicts !== true) {
            const busy = await busyExcept(
              calendar,
              accessToken,
              calendarId,
              span.interval,
              eventId,
              calendarZone,
            );
            if (busy.length > 0) throw timeConflict(busy, zone ?? (await calendarZone()));
          }
          changes.start = span.start;
          changes.end = span.end;
        }
        const updated = await calendar.patchEvent(accessToken, calendarId, eventId, changes, {
          etag: existing.etag,
          ...optional("sendUpdates", sendUpdates),
          ...approval,
        });
        return updated;
      }),
    );
  }
}

/** The rescheduled span; a missing end keeps the event's length, a missing start keeps its start. */
function newSpan(
  existing: CalendarEvent,
  startInput: TimeInput | undefined,
  endInput: TimeInput | undefined,
  zone: string | undefined,
): EventSpan {
  const start = startInput ?? parseTimeInput("start", textOf(existing.start));
  if (endInput !== undefined) return parseEventSpan(start, endInput, zone);
  if (start.kind === "date" && "date" in existing.start && "date" in existing.end) {
    const days = daysBetween(dateOf(existing.start.date), dateOf(existing.end.date));
    return parseEventSpan(start, parseTimeInput("end", shiftDate(formatDate(start.date), days)), zone);
  }
  if (start.kind !== "date" && "dateTime" in existing.start && "dateTime" in existing.end) {
    const length = Date.parse(existing.end.dateTime) - Date.parse(existing.start.dateTime);
    const end = new Date(toInstant("start", start, zone).getTime() + length);
    return parseEventSpan(start, parseTimeInput("end", formatInstant(end, zone)), zone);
  }
  throw invalidArgument("end", "is required when switching between an all-day and a timed event");
}

function textOf(time: EventTime): string {
  return "dateTime" in time ? time.dateTime : time.date;
}

function dateOf(text: string): LocalDate {
  const [year, month, day] = text.split("-").map(Number);
  return { year: year ?? 1970, month: month ?? 1, day: day ?? 1 };
}

/** Patching attendees replaces the list: carry over the answers people already gave. */
function keepResponses(
  attendees: { email: string; optional?: boolean }[],
  existing: CalendarEvent,
): { email: string; optional?: boolean; responseStatus?: string }[] {
  const answered = new Map(existing.attendees.map((attendee) => [attendee.email.toLowerCase(), attendee]));
  return attendees.map((attendee) => {
    const before = answered.get(attendee.email.toLowerCase());
    return before === undefined ? attendee : { ...attendee, responseStatus: before.responseStatus };
  });
}

function cancelled(eventId: string): DomainError {
  return new DomainError("not_found", `Event ${eventId} has been cancelled; book a new event instead`, {
    details: { event_id: eventId, deleted: true },
  });
}

/** A zone lookup done at most once, and only if someone asks. */
function lazy(load: () => Promise<string>): () => Promise<string> {
  let loaded: Promise<string> | undefined;
  return () => {
    loaded ??= load();
    return loaded;
  };
}
