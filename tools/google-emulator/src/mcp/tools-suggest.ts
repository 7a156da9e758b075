/**
 * suggest_time: free periods common to every attendee over a window, from the same busy time
 * the REST freeBusy.query reports. "primary" is the caller. Another emulator account's busy
 * time is visible (as free/busy is to co-workers); an address the emulator does not know is
 * treated as free, since the tool has no place to report it.
 */

import { primaryCalendar } from "../calendar/calendar-store.ts";
import {
  addDays,
  formatInZone,
  formatLocalDate,
  instantToLocal,
  localToInstant,
  parseInstant,
} from "../calendar/calendar-time.ts";
import type { Span } from "../calendar/event-occurrences.ts";
import { queryFreeBusy } from "../calendar/freebusy.ts";
import { toolFailures } from "./mcp-errors.ts";
import { readInstant, readZone } from "./mcp-time.ts";
import type { ToolContext, ToolHandler } from "./tool-context.ts";

const HOUR = /^([01]\d|2[0-3]):([0-5]\d)$/;

function busyOf(context: ToolContext, attendee: string, start: number, end: number): Span[] {
  const email = attendee.toLowerCase() === "primary" ? context.email : attendee;
  if (email !== context.email && !context.state.accounts.has(email)) return [];
  const body = {
    timeMin: new Date(start).toISOString(),
    timeMax: new Date(end).toISOString(),
    items: [{ id: "primary" }],
  };
  const answer = queryFreeBusy(context.state, email, body) as {
    calendars: Record<string, { busy?: Array<{ start: string; end: string }> }>;
  };
  return (answer.calendars.primary?.busy ?? []).map((b) => ({
    start: parseInstant(b.start) ?? 0,
    end: parseInstant(b.end) ?? 0,
  }));
}

function minutesOf(value: unknown, field: string): number | null {
  if (value === undefined) return null;
  const m = HOUR.exec(String(value));
  if (m === null) throw toolFailures.invalidArgument(`Invalid ${field}: ${String(value)} (expected HH:mm).`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The parts of the window the preferences allow: whole window, or per-day hours without weekends. */
function allowedSpans(
  start: number,
  end: number,
  zone: string,
  preferences: Record<string, unknown>,
): Span[] {
  const from = minutesOf(preferences.startHour, "preferences.startHour");
  const to = minutesOf(preferences.endHour, "preferences.endHour");
  const noWeekends = preferences.excludeWeekends === true;
  if (from === null && to === null && !noWeekends) return [{ start, end }];
  const spans: Span[] = [];
  let day = formatLocalDate(instantToLocal(start, zone));
  const at = (date: string, minutes: number): number => {
    const [year, month, dayOfMonth] = date.split("-").map(Number) as [number, number, number];
    return localToInstant(
      { year, month, day: dayOfMonth, hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0 },
      zone,
    );
  };
  while (at(day, 0) < end) {
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    if (!(noWeekends && (weekday === 0 || weekday === 6))) {
      const open = at(day, from ?? 0);
      const close = to === null ? at(addDays(day, 1), 0) : at(day, to);
      const span = { start: Math.max(open, start), end: Math.min(close, end) };
      if (span.end > span.start) spans.push(span);
    }
    day = addDays(day, 1);
  }
  return spans;
}

function subtract(spans: Span[], busy: Span[]): Span[] {
  let free = spans;
  for (const b of busy) {
    free = free.flatMap((s) => {
      if (b.end <= s.start || b.start >= s.end) return [s];
      const parts: Span[] = [];
      if (b.start > s.start) parts.push({ start: s.start, end: b.start });
      if (b.end < s.end) parts.push({ start: b.end, end: s.end });
      return parts;
    });
  }
  return free;
}

const suggestTime: ToolHandler = (context) => {
  const { args } = context;
  const startValue = String(args.startTime);
  const explicit = args.timeZone === undefined ? null : readZone(args.timeZone, "");
  // "Default: the offset of start_time, if none then the user's primary time zone."
  const userZone = primaryCalendar(context.state, context.email).timeZone;
  const zone = explicit ?? userZone;
  const start = readInstant(startValue, "startTime", explicit, zone);
  const end = readInstant(String(args.endTime), "endTime", explicit, zone);
  if (end <= start) throw toolFailures.invalidArgument("The specified time range is empty.");
  const attendees = args.attendeeEmails as string[];
  if (attendees.length === 0) throw toolFailures.invalidArgument("Missing required field: attendeeEmails");
  const duration = ((args.durationMinutes as number | undefined) || 30) * 60_000;
  if (duration <= 0) throw toolFailures.invalidArgument("Invalid duration_minutes.");
  const preferences = (args.preferences as Record<string, unknown> | undefined) ?? {};
  const limit = (preferences.pageSize as number | undefined) || 5;
  const busy = attendees.flatMap((attendee) => busyOf(context, attendee, start, end));
  const slots = subtract(allowedSpans(start, end, zone, preferences), busy)
    .filter((s) => s.end - s.start >= duration)
    .slice(0, limit)
    .map((s) => {
      const from = { dateTime: formatInZone(s.start, zone), timeZone: zone };
      const to = { dateTime: formatInZone(s.end, zone), timeZone: zone };
      const minutes = Math.round((s.end - s.start) / 60_000);
      return {
        start: from,
        end: to,
        startTime: from.dateTime,
        endTime: to.dateTime,
        durationMinutes: minutes,
      };
    });
  return { timeSlots: slots };
};

export const SUGGEST_TOOLS = { suggest_time: suggestTime } as const;
