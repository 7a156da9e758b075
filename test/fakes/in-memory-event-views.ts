import type { CalendarEvent, EventTime, Interval } from "../../src/domain/calendar.ts";
import { eventTimeInstant } from "../../src/domain/event-times.ts";
import { formatDate, formatInstant, zonedParts } from "../../src/domain/zoned-time.ts";
import { expandRecurrence } from "./simple-recurrence.ts";

/**
 * How the fake calendar reads its stored events: as instants, as expanded instances, as busy
 * time. Kept apart from the gateway so each file stays small.
 */

export function intervalOf(event: CalendarEvent, calendarZone: string): Interval {
  return {
    start: eventTimeInstant(event.start, calendarZone),
    end: eventTimeInstant(event.end, calendarZone),
  };
}

/** A recurring event's instances starting before `until`; a single event as itself. */
export function instancesOf(event: CalendarEvent, calendarZone: string, until: Date): CalendarEvent[] {
  if (event.recurrence.length === 0) return [event];
  const zone =
    "timeZone" in event.start && event.start.timeZone !== undefined ? event.start.timeZone : calendarZone;
  const first = intervalOf(event, calendarZone);
  const lengthMs = first.end.getTime() - first.start.getTime();
  const firstLocal = zonedParts(first.start, zone);
  return expandRecurrence(firstLocal, zone, event.recurrence, until).map(({ local, start }) => {
    const end = new Date(start.getTime() + lengthMs);
    const allDay = "date" in event.start;
    const startTime: EventTime = allDay ? { date: formatDate(local) } : withZone(start, event.start);
    const endTime: EventTime = allDay
      ? { date: formatDate(zonedParts(end, zone)) }
      : withZone(end, event.end);
    return {
      ...structuredClone(event),
      id: `${event.id}_${allDay ? formatDate(local).replaceAll("-", "") : compactUtc(start)}`,
      recurringEventId: event.id,
      recurrence: [],
      start: startTime,
      end: endTime,
    };
  });
}

/** Does this event make its calendar's owner busy? */
export function isBusy(event: CalendarEvent): boolean {
  if (event.status === "cancelled" || event.transparency === "transparent") return false;
  return !event.attendees.some(
    (attendee) => attendee.self === true && attendee.responseStatus === "declined",
  );
}

/** Sorted, merged, clipped to the window: how Google's freeBusy reports busy time. */
export function mergeBusy(intervals: Interval[], window: Interval): Interval[] {
  const clipped = intervals
    .filter((interval) => interval.start < window.end && interval.end > window.start)
    .map((interval) => ({
      start: new Date(Math.max(interval.start.getTime(), window.start.getTime())),
      end: new Date(Math.min(interval.end.getTime(), window.end.getTime())),
    }))
    .sort((a, b) => a.start.getTime() - b.start.getTime());
  const merged: Interval[] = [];
  for (const interval of clipped) {
    const last = merged.at(-1);
    if (last !== undefined && interval.start <= last.end) {
      if (interval.end > last.end) last.end = interval.end;
    } else merged.push(interval);
  }
  return merged;
}

/** Free-text match as Google roughly does it: summary, description, location, attendees. */
export function matchesText(event: CalendarEvent, text: string): boolean {
  const needle = text.toLowerCase();
  const haystack = [event.summary, event.description, event.location, ...event.attendees.map((a) => a.email)];
  return haystack.some((value) => value?.toLowerCase().includes(needle) === true);
}

function withZone(instant: Date, like: EventTime): EventTime {
  const zone = "timeZone" in like ? like.timeZone : undefined;
  return zone === undefined
    ? { dateTime: formatInstant(instant) }
    : { dateTime: formatInstant(instant, zone), timeZone: zone };
}

function compactUtc(instant: Date): string {
  return `${instant.toISOString().slice(0, 19).replaceAll("-", "").replaceAll(":", "")}Z`;
}
