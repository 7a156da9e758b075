import type { CalendarEvent } from "../../domain/calendar.ts";
import type { CalendarGateway } from "../../domain/ports/calendar-gateway.ts";
import type { OwnWrites } from "../../domain/ports/change-tracking.ts";

/**
 * A CalendarGateway that remembers what it wrote, so change tracking reports those changes with
 * origin "this_server". Remembering is best effort: a miss only loses the mark, never a change.
 * A deletion is remembered before it is sent, since Google's answer carries no stamp and its
 * notification can arrive before we would otherwise have written it down.
 */
export function recordingOwnWrites(inner: CalendarGateway, ownWrites: OwnWrites): CalendarGateway {
  const remember = async (event: CalendarEvent): Promise<CalendarEvent> => {
    await ownWrites.remember(event.id, event.updated ?? "").catch(() => undefined);
    return event;
  };
  return {
    listCalendars: (...args) => inner.listCalendars(...args),
    getTimeZone: (...args) => inner.getTimeZone(...args),
    listEvents: (...args) => inner.listEvents(...args),
    getEvent: (...args) => inner.getEvent(...args),
    freeBusy: (...args) => inner.freeBusy(...args),
    insertEvent: async (...args) => remember(await inner.insertEvent(...args)),
    patchEvent: async (...args) => remember(await inner.patchEvent(...args)),
    deleteEvent: async (accessToken, calendarId, eventId, options) => {
      await ownWrites.remember(eventId, "deleted").catch(() => undefined);
      return inner.deleteEvent(accessToken, calendarId, eventId, options);
    },
  };
}
