import type { Interval } from "../calendar.ts";
import { DomainError } from "../errors.ts";
import type { FreeBusyAnswer } from "../ports/calendar-gateway.ts";
import { formatInstant } from "../zoned-time.ts";

/** A busy interval as callers see it: RFC 3339 strings, in the caller's zone when known. */
export interface BusyView {
  start: string;
  end: string;
}

/**
 * The busy intervals of `calendarId` in a freeBusy answer. Google reports a calendar it could
 * not read inside a 200 answer; that must not pass for "free".
 * @throws DomainError not_found (unknown calendar), google_unavailable (any other error)
 */
export function busyOf(answer: FreeBusyAnswer, calendarId: string): Interval[] {
  const entry = answer.get(calendarId) ?? (answer.size === 1 ? [...answer.values()][0] : undefined);
  if (entry === undefined) {
    throw new DomainError("google_unavailable", `Google's free/busy answer did not include ${calendarId}`);
  }
  if (entry.error !== undefined) throw freeBusyError(calendarId, entry.error);
  return entry.busy;
}

export function freeBusyError(calendarId: string, reason: string): DomainError {
  if (reason === "notFound") {
    return new DomainError(
      "not_found",
      `Calendar ${calendarId} was not found or is not shared with this account`,
      {
        details: { calendar_id: calendarId },
      },
    );
  }
  return new DomainError("google_unavailable", `Google could not read calendar ${calendarId} (${reason})`, {
    details: { calendar_id: calendarId, reason },
  });
}

/** How far past the booked time freeBusy is asked, so a clash is reported whole, not clipped. */
const WHOLE_BLOCK_MARGIN_MS = 7 * 86_400_000;

/**
 * The window to ask freeBusy about again when a clash reached the edge of the booking's own span
 * (Google clips busy time to the window asked): WHOLE_BLOCK_MARGIN_MS beyond the booking on each
 * side, within Google's limit of `maxDays`. Only blocks that overlap the booking count
 * (`overlapping`).
 */
export function conflictWindow(start: Date, end: Date, maxDays: number): Interval {
  const spare = Math.max(0, maxDays * 86_400_000 - (end.getTime() - start.getTime()));
  const margin = Math.min(WHOLE_BLOCK_MARGIN_MS, Math.floor(spare / 2));
  return { start: new Date(start.getTime() - margin), end: new Date(end.getTime() + margin) };
}

/** Intervals that overlap `slot`; touching ends (10:00–11:00 next to 11:00–12:00) do not. */
export function overlapping(busy: Interval[], slot: Interval): Interval[] {
  return busy.filter((interval) => interval.start < slot.end && interval.end > slot.start);
}

export function toBusyView(interval: Interval, zone?: string): BusyView {
  return { start: formatInstant(interval.start, zone), end: formatInstant(interval.end, zone) };
}

export function timeConflict(conflicts: Interval[], zone?: string): DomainError {
  const views = conflicts.map((interval) => toBusyView(interval, zone));
  const listed = views.map((view) => `${view.start} to ${view.end}`).join(", ");
  return new DomainError(
    "time_conflict",
    `The requested time overlaps busy time on the calendar (${listed})`,
    { details: { conflicts: views } },
  );
}
