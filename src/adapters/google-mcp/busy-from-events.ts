import type { CalendarEvent, Interval } from "../../domain/calendar.ts";
import { eventTimeInstant } from "../../domain/event-times.ts";

/**
 * Busy time as Google's free/busy would report it, derived from a calendar's events: what blocks
 * time is a confirmed or tentative, opaque event the calendar's owner has not declined. The
 * result is sorted and merged, clipped to the window.
 * @param zone the calendar's zone, for all-day events
 */
export function busyFromEvents(events: CalendarEvent[], window: Interval, zone: string): Interval[] {
  const intervals: Interval[] = [];
  for (const event of events) {
    if (!blocksTime(event)) continue;
    const start = safeInstant(event.start, zone);
    const end = safeInstant(event.end, zone);
    if (start === null || end === null) continue;
    const clipped = {
      start: new Date(Math.max(start.getTime(), window.start.getTime())),
      end: new Date(Math.min(end.getTime(), window.end.getTime())),
    };
    if (clipped.end > clipped.start) intervals.push(clipped);
  }
  return merge(intervals);
}

function blocksTime(event: CalendarEvent): boolean {
  if (event.status === "cancelled" || event.transparency === "transparent") return false;
  const self = event.attendees.find((attendee) => attendee.self === true);
  return self?.responseStatus !== "declined";
}

function safeInstant(time: CalendarEvent["start"], zone: string): Date | null {
  try {
    const instant = eventTimeInstant(time, zone);
    return Number.isNaN(instant.getTime()) ? null : instant;
  } catch {
    return null;
  }
}

function merge(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start.getTime() - b.start.getTime());
  const out: Interval[] = [];
  for (const interval of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && interval.start <= last.end) {
      if (interval.end > last.end) last.end = interval.end;
    } else {
      out.push({ start: interval.start, end: interval.end });
    }
  }
  return out;
}
