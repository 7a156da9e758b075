import { DomainError } from "../errors.ts";
import type { EventSpan } from "../event-times.ts";
import { formatDate, type ZonedParts, zonedParts } from "../zoned-time.ts";

const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/**
 * Refuses a booking that would start before now, since models often get the year wrong. An
 * all-day event may start today. The message gives today's date and time in `zone` (the
 * customer's calendar zone), so the model can correct the date. `zone` is asked for only when
 * the start is in the past: a booking in the future costs no extra request.
 * @throws DomainError invalid_argument (field start) when the span starts in the past
 */
export async function refusePastStart(
  span: EventSpan,
  now: Date,
  zone: () => Promise<string>,
): Promise<void> {
  const started = span.allDay
    ? span.interval.end.getTime() <= now.getTime()
    : span.interval.start.getTime() < now.getTime();
  if (!started) return;
  const calendarZone = await zone();
  const start = "dateTime" in span.start ? startText(span.interval.start, calendarZone) : span.start.date;
  throw new DomainError(
    "invalid_argument",
    `start ${start} is in the past: it is now ${describeNow(now, calendarZone)}; ` +
      "book a future time, or pass allowPast to book in the past on purpose",
    { details: { field: "start" } },
  );
}

/** "Friday 2026-12-04 18:02 in Europe/Madrid" */
export function describeNow(now: Date, zone: string): string {
  const parts = zonedParts(now, zone);
  return `${WEEKDAY_NAMES[parts.weekday - 1] ?? ""} ${formatDate(parts)} ${clock(parts)} in ${zone}`;
}

function startText(instant: Date, zone: string): string {
  const parts = zonedParts(instant, zone);
  return `${formatDate(parts)} ${clock(parts)}`;
}

function clock(parts: ZonedParts): string {
  return `${String(parts.hour).padStart(2, "0")}:${String(parts.minute).padStart(2, "0")}`;
}
