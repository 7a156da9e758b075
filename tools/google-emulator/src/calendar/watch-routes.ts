/** `events.watch` and `channels.stop`, mounted beside the other Calendar routes. */

import type { Context, Hono } from "hono";
import type { EmulatorState } from "../emulator-state.ts";
import type { CalendarMethod } from "./calendar-auth.ts";
import type { CalendarHandler, CalendarRequest } from "./calendar-endpoint.ts";
import { jsonResponse } from "./calendar-errors.ts";
import type { CalendarRecord } from "./calendar-store.ts";
import { recordChange } from "./change-log.ts";
import { notifyWatchers, stopChannel, watchEvents } from "./watch-channels.ts";

type On = (method: CalendarMethod, handler: CalendarHandler) => (c: Context) => Promise<Response>;

export function watchRoutes(
  app: Hono,
  state: EmulatorState,
  on: On,
  calendarFor: (request: CalendarRequest) => CalendarRecord,
): void {
  app.post(
    "/calendars/:calendarId/events/watch",
    on("events.watch", async (request) =>
      jsonResponse(200, watchEvents(state, calendarFor(request), request.email, await request.jsonBody())),
    ),
  );
  app.post(
    "/channels/stop",
    on("channels.stop", async (request) => {
      stopChannel(state, request.email, await request.jsonBody());
      return new Response(null, { status: 204 });
    }),
  );
}

/** What every write route calls once it wrote: log the change, then push it. */
export function changeRecorder(state: EmulatorState): (calendar: CalendarRecord, eventId: string) => void {
  return (calendar, eventId) => {
    recordChange(state, calendar, eventId);
    notifyWatchers(state, calendar.id);
  };
}
