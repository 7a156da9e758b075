/**
 * Google Calendar API v3 (the subset the product uses), mounted by the emulator at
 * `/calendar/v3`, so a real `@googleapis/calendar` client pointed at the emulator's `rootUrl`
 * works unchanged. Paths below are relative to that mount point.
 */

import { Hono } from "hono";
import type { EmulatorState } from "../emulator-state.ts";
import type { CalendarMethod } from "./calendar-auth.ts";
import { type CalendarHandler, type CalendarRequest, calendarEndpoint } from "./calendar-endpoint.ts";
import { calendarErrors, errorResponse, jsonResponse } from "./calendar-errors.ts";
import { renderCalendar, renderCalendarListEntry } from "./calendar-resource.ts";
import { type CalendarRecord, nextEtag, primaryCalendar, resolveCalendar } from "./calendar-store.ts";
import { readConferenceVersion } from "./conference.ts";
import { listEvents, listInstances, readListOptions } from "./event-list.ts";
import { shareEventWrite } from "./event-sharing.ts";
import { listChanges, withSyncToken } from "./event-sync.ts";
import {
  deleteEvent,
  getEvent,
  insertEvent,
  renderStored,
  type WriteRequest,
  writeEvent,
} from "./event-write.ts";
import { queryFreeBusy } from "./freebusy.ts";
import {
  decodePageToken,
  encodePageToken,
  readInteger,
  readSendUpdates,
  readTimeZone,
} from "./query-params.ts";
import { changeRecorder, watchRoutes } from "./watch-routes.ts";

function calendarFor(state: EmulatorState, request: CalendarRequest): CalendarRecord {
  const calendar = resolveCalendar(state, request.email, request.param("calendarId"));
  if (calendar === null) throw calendarErrors.notFound();
  return calendar;
}

async function writeRequest(request: CalendarRequest): Promise<WriteRequest> {
  readSendUpdates(request.query);
  const conferenceVersion = readConferenceVersion(request.query("conferenceDataVersion"));
  return {
    body: await request.jsonBody(),
    conferenceVersion,
    ifMatch: request.header("If-Match"),
    now: Date.now(),
  };
}

function eventResponse(json: Record<string, unknown>, etag: string): Response {
  return jsonResponse(200, json, { ETag: etag });
}

export function calendarRoutes(state: EmulatorState): Hono {
  const app = new Hono();
  const on = (method: CalendarMethod, handler: CalendarHandler) => calendarEndpoint(state, method, handler);
  // Each write is logged for sync tokens and pushed to watch channels.
  const changed = changeRecorder(state);

  app.get(
    "/users/me/calendarList",
    on("calendarList.list", (request) => {
      const calendars = [primaryCalendar(state, request.email)];
      const maxResults = readInteger(request.query, "maxResults", 100, 1, 250);
      const offset = decodePageToken(request.query);
      const body: Record<string, unknown> = {
        kind: "calendar#calendarList",
        etag: nextEtag(null, Math.max(...calendars.map((c) => c.updated))),
      };
      if (offset + maxResults < calendars.length) body.nextPageToken = encodePageToken(offset + maxResults);
      body.items = calendars.slice(offset, offset + maxResults).map(renderCalendarListEntry);
      return jsonResponse(200, body);
    }),
  );

  app.get(
    "/users/me/calendarList/:calendarId",
    on("calendarList.get", (request) =>
      jsonResponse(200, renderCalendarListEntry(calendarFor(state, request))),
    ),
  );

  app.get(
    "/calendars/:calendarId",
    on("calendars.get", (request) => jsonResponse(200, renderCalendar(calendarFor(state, request)))),
  );

  app.get(
    "/calendars/:calendarId/events",
    on("events.list", (request) => {
      const calendar = calendarFor(state, request);
      const options = readListOptions(request.query, calendar);
      const syncToken = request.query("syncToken");
      if (syncToken !== undefined) {
        return jsonResponse(200, listChanges(state, calendar, request.query, options, syncToken));
      }
      return jsonResponse(200, withSyncToken(state, calendar, listEvents(calendar, options)));
    }),
  );

  app.post(
    "/calendars/:calendarId/events",
    on("events.insert", async (request) => {
      const calendar = calendarFor(state, request);
      const event = insertEvent(calendar, await writeRequest(request));
      if (!shareEventWrite(state, event, event.updated)) changed(calendar, event.id);
      return eventResponse(renderStored(calendar, event, calendar.timeZone), event.etag);
    }),
  );

  app.get(
    "/calendars/:calendarId/events/:eventId",
    on("events.get", (request) => {
      const calendar = calendarFor(state, request);
      const zone = readTimeZone(request.query, calendar.timeZone);
      const { json, etag } = getEvent(calendar, request.param("eventId"), zone);
      if (request.header("If-None-Match") === etag)
        return new Response(null, { status: 304, headers: { ETag: etag } });
      return eventResponse(json, etag);
    }),
  );

  app.get(
    "/calendars/:calendarId/events/:eventId/instances",
    on("events.instances", (request) => {
      const calendar = calendarFor(state, request);
      const options = readListOptions(request.query, calendar);
      const series = calendar.events.get(request.param("eventId"));
      if (series === undefined) throw calendarErrors.notFound();
      return jsonResponse(200, listInstances(calendar, series, options));
    }),
  );

  for (const [verb, method, replace] of [
    ["patch", "events.patch", false],
    ["put", "events.update", true],
  ] as const) {
    app[verb](
      "/calendars/:calendarId/events/:eventId",
      on(method, async (request) => {
        const calendar = calendarFor(state, request);
        const event = writeEvent(calendar, request.param("eventId"), await writeRequest(request), replace);
        if (!shareEventWrite(state, event, event.updated)) changed(calendar, event.id);
        return eventResponse(renderStored(calendar, event, calendar.timeZone), event.etag);
      }),
    );
  }

  app.delete(
    "/calendars/:calendarId/events/:eventId",
    on("events.delete", (request) => {
      readSendUpdates(request.query);
      const now = Date.now();
      const calendar = calendarFor(state, request);
      const event = deleteEvent(calendar, request.param("eventId"), request.header("If-Match"), now);
      if (!shareEventWrite(state, event, now)) changed(calendar, event.id);
      return new Response(null, { status: 204 });
    }),
  );

  app.post(
    "/freeBusy",
    on("freebusy.query", async (request) =>
      jsonResponse(200, queryFreeBusy(state, request.email, await request.jsonBody())),
    ),
  );

  watchRoutes(app, state, on, (request) => calendarFor(state, request));

  // Anything else under /calendar/v3 is a 404 in Google's JSON shape.
  app.all("*", () => errorResponse(calendarErrors.notFound()));
  return app;
}
