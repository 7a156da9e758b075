/**
 * CalendarList entries and Calendar resources on the wire. The emulator only has primary
 * calendars, so every entry is owned, selected and marked `primary`.
 */

import type { CalendarRecord } from "./calendar-store.ts";

const CONFERENCE_PROPERTIES = { allowedConferenceSolutionTypes: ["hangoutsMeet"] };

export function renderCalendarListEntry(calendar: CalendarRecord): Record<string, unknown> {
  return {
    kind: "calendar#calendarListEntry",
    etag: calendar.etag,
    id: calendar.id,
    summary: calendar.summary,
    timeZone: calendar.timeZone,
    colorId: "14",
    backgroundColor: "#9fe1e7",
    foregroundColor: "#000000",
    selected: true,
    accessRole: "owner",
    defaultReminders: [{ method: "popup", minutes: 10 }],
    notificationSettings: {
      notifications: [
        { type: "eventCreation", method: "email" },
        { type: "eventChange", method: "email" },
        { type: "eventCancellation", method: "email" },
        { type: "eventResponse", method: "email" },
      ],
    },
    primary: true,
    conferenceProperties: CONFERENCE_PROPERTIES,
  };
}

export function renderCalendar(calendar: CalendarRecord): Record<string, unknown> {
  return {
    kind: "calendar#calendar",
    etag: calendar.etag,
    id: calendar.id,
    summary: calendar.summary,
    timeZone: calendar.timeZone,
    conferenceProperties: CONFERENCE_PROPERTIES,
  };
}
