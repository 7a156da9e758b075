/**
 * freebusy.query: per-calendar busy intervals, merged and clipped to the window. Free time is
 * what Google says it is: transparent events, cancelled events and events the owner declined
 * do not block; calendars the caller cannot see report `notFound` instead of failing the call.
 */

import type { EmulatorState } from "../emulator-state.ts";
import { calendarErrors } from "./calendar-errors.ts";
import { type CalendarRecord, resolveCalendar, type StoredEvent } from "./calendar-store.ts";
import {
  formatInZone,
  formatUtcMillis,
  formatUtcSeconds,
  isValidTimeZone,
  parseInstant,
} from "./calendar-time.ts";
import { isObject } from "./event-input.ts";
import { occurrencesIn, type Span, spanOf } from "./event-occurrences.ts";

/** Occurrences of one series considered per query (a year of a daily event is 366). */
const MAX_OCCURRENCES = 5000;

function blocksTime(event: StoredEvent, calendar: CalendarRecord): boolean {
  if (event.status === "cancelled" || event.fields.transparency === "transparent") return false;
  const self = event.attendees.find((a) => a.email.toLowerCase() === calendar.ownerEmail);
  return self?.responseStatus !== "declined";
}

function busySpans(calendar: CalendarRecord, windowStart: number, windowEnd: number): Span[] {
  const spans: Span[] = [];
  const add = (span: Span): void => {
    if (span.end > windowStart && span.start < windowEnd && span.end > span.start) {
      spans.push({ start: Math.max(span.start, windowStart), end: Math.min(span.end, windowEnd) });
    }
  };
  for (const event of calendar.events.values()) {
    if (event.recurrence === null) {
      if (blocksTime(event, calendar)) add(spanOf(event.start, event.end, calendar.timeZone));
      continue;
    }
    for (const exception of event.exceptions.values()) {
      if (event.status !== "cancelled" && blocksTime(exception, calendar)) {
        add(spanOf(exception.start, exception.end, calendar.timeZone));
      }
    }
    if (!blocksTime(event, calendar)) continue;
    for (const occurrence of occurrencesIn(event, calendar, windowStart, windowEnd, MAX_OCCURRENCES)) {
      if (!event.exceptions.has(occurrence.id)) add(occurrence.span);
    }
  }
  spans.sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last !== undefined && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

/**
 * Google refuses longer free/busy windows with timeRangeTooLong; the limit is not documented,
 * and is observed at about three months. 90 days is what the product promises to stay within.
 */
const MAX_WINDOW_MS = 90 * 86_400_000;

export function queryFreeBusy(state: EmulatorState, email: string, body: unknown): Record<string, unknown> {
  if (!isObject(body)) throw calendarErrors.badRequest();
  if (body.timeMin === undefined || body.timeMax === undefined) throw calendarErrors.required();
  const windowStart = parseInstant(body.timeMin);
  const windowEnd = parseInstant(body.timeMax);
  if (windowStart === null || windowEnd === null) throw calendarErrors.badRequest();
  if (windowEnd <= windowStart) throw calendarErrors.timeRangeEmpty(true);
  if (windowEnd - windowStart > MAX_WINDOW_MS) throw calendarErrors.timeRangeTooLong();
  const zone = body.timeZone;
  if (zone !== undefined && zone !== null && !isValidTimeZone(zone)) {
    throw calendarErrors.invalid("Invalid time zone definition.");
  }
  const format = (instant: number): string =>
    typeof zone === "string" ? formatInZone(instant, zone) : formatUtcSeconds(instant);
  const items = body.items ?? [];
  if (!Array.isArray(items)) throw calendarErrors.badRequest();
  const calendars: Record<string, unknown> = {};
  for (const item of items) {
    const id = isObject(item) && typeof item.id === "string" ? item.id : "";
    const calendar = id === "" ? null : resolveCalendar(state, email, id);
    calendars[id] =
      calendar === null
        ? { errors: [{ domain: "global", reason: "notFound" }], busy: [] }
        : {
            busy: busySpans(calendar, windowStart, windowEnd).map((s) => ({
              start: format(s.start),
              end: format(s.end),
            })),
          };
  }
  return {
    kind: "calendar#freeBusy",
    timeMin: formatUtcMillis(windowStart),
    timeMax: formatUtcMillis(windowEnd),
    calendars,
  };
}
