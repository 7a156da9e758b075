import type { Interval } from "../calendar.ts";
import { DomainError } from "../errors.ts";
import type { CalendarGateway, FreeBusyAnswer } from "../ports/calendar-gateway.ts";
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

/**
 * Busy time on the calendar overlapping any of the occurrences of a booking. One freeBusy call
 * about the occurrences' own span answers a free slot (the usual case) with the least Google has
 * to read and send. Google clips busy time to the window asked, so a clash that reaches the
 * window's edge may be a sliver of a longer block: only then is it asked again, wider
 * (conflictWindow, within `maxDays`), to report the block whole.
 * @returns the clashing intervals, each once, earliest first
 * @throws DomainError as busyOf, and the gateway's errors
 */
export async function clashesOnCalendar(
  calendar: CalendarGateway,
  accessToken: string,
  calendarId: string,
  occurrences: Interval[],
  zone: string | undefined,
  maxDays: number,
): Promise<Interval[]> {
  // Every occurrence excluded (EXDATE on all of them): nothing can clash.
  if (occurrences.length === 0) return [];
  const busyIn = async (window: Interval): Promise<Interval[]> => {
    const answer = await calendar.freeBusy(accessToken, {
      timeMin: window.start,
      timeMax: window.end,
      calendarIds: [calendarId],
      ...(zone === undefined ? {} : { timeZone: zone }),
    });
    return clashesWith(busyOf(answer, calendarId), occurrences);
  };
  const span: Interval = {
    start: new Date(Math.min(...occurrences.map((interval) => interval.start.getTime()))),
    end: new Date(Math.max(...occurrences.map((interval) => interval.end.getTime()))),
  };
  const clashing = await busyIn(span);
  if (clashing.every((interval) => interval.start > span.start && interval.end < span.end)) return clashing;
  return busyIn(conflictWindow(span.start, span.end, maxDays));
}

/** The busy intervals overlapping any occurrence, each once, earliest first. */
function clashesWith(busy: Interval[], occurrences: Interval[]): Interval[] {
  const clashing = new Map<number, Interval>();
  for (const occurrence of occurrences) {
    for (const interval of overlapping(busy, occurrence)) clashing.set(interval.start.getTime(), interval);
  }
  return [...clashing.values()].sort((a, b) => a.start.getTime() - b.start.getTime());
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
