import type { CalendarEvent, Interval } from "../calendar.ts";
import { eventTimeInstant } from "../event-times.ts";
import type { CalendarGateway } from "../ports/calendar-gateway.ts";

/** Enough pages for any real day; past this the check stops rather than run on. */
const MAX_PAGES = 4;

/**
 * Busy intervals of the events in `window`, leaving out `ignoreEventId` (and its instances),
 * cancelled and transparent events, and events the calendar's owner declined. Used when the
 * event being moved would otherwise show up as busy in freeBusy.
 *
 * `zone` reads all-day events; Google already filtered them to the window in the calendar's zone.
 */
export async function busyExcept(
  calendar: CalendarGateway,
  accessToken: string,
  calendarId: string,
  window: Interval,
  ignoreEventId: string,
  zone: () => Promise<string>,
): Promise<Interval[]> {
  const busy: Interval[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const answer = await calendar.listEvents(accessToken, calendarId, {
      timeMin: window.start,
      timeMax: window.end,
      maxResults: 250,
      ...(pageToken === undefined ? {} : { pageToken }),
    });
    for (const event of answer.events) {
      if (!blocks(event, ignoreEventId)) continue;
      const interval = await intervalOf(event, zone);
      if (interval.start < window.end && interval.end > window.start) busy.push(interval);
    }
    if (answer.nextPageToken === null) break;
    pageToken = answer.nextPageToken;
  }
  return busy;
}

function blocks(event: CalendarEvent, ignoreEventId: string): boolean {
  if (event.id === ignoreEventId || event.recurringEventId === ignoreEventId) return false;
  if (event.status === "cancelled" || event.transparency === "transparent") return false;
  return !event.attendees.some(
    (attendee) => attendee.self === true && attendee.responseStatus === "declined",
  );
}

async function intervalOf(event: CalendarEvent, zone: () => Promise<string>): Promise<Interval> {
  if ("dateTime" in event.start && "dateTime" in event.end) {
    return { start: new Date(event.start.dateTime), end: new Date(event.end.dateTime) };
  }
  const readIn = await zone();
  return { start: eventTimeInstant(event.start, readIn), end: eventTimeInstant(event.end, readIn) };
}
