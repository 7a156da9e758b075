/**
 * Turns an event request body into the stored shape, refusing what Google refuses. Patches are
 * merged onto the event's writable JSON first and then validated like a full body, so insert,
 * update and patch share one set of rules.
 */

import { calendarErrors } from "./calendar-errors.ts";
import type { Attendee, EventFields, EventStatus, EventTime, StoredEvent } from "./calendar-store.ts";
import { readEventTimes, timeToJson } from "./event-times.ts";
import { parseRecurrence } from "./recurrence-rule.ts";

export interface EventDraft {
  start: EventTime;
  end: EventTime;
  recurrence: string[] | null;
  status: EventStatus;
  fields: EventFields;
  attendees: Attendee[];
  /** The `sequence` the client sent, if any (a stale one is refused). */
  sequence: number | null;
}

const STRING_FIELDS = ["summary", "description", "location", "colorId"] as const;
const BOOLEAN_FIELDS = [
  "guestsCanInviteOthers",
  "guestsCanModify",
  "guestsCanSeeOtherGuests",
  "anyoneCanAddSelf",
];
const OBJECT_FIELDS = ["extendedProperties", "source"] as const;
const ENUMS: Record<string, readonly string[]> = {
  transparency: ["opaque", "transparent"],
  visibility: ["default", "public", "private", "confidential"],
  eventType: ["default", "outOfOffice", "focusTime", "workingLocation"],
};
const RESPONSE_STATUSES = ["needsAction", "declined", "tentative", "accepted"];
const STATUSES: readonly string[] = ["confirmed", "tentative", "cancelled"];

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const invalidValue = (field: string) => calendarErrors.invalid(`Invalid value for: ${field}`);

function readReminders(value: unknown): Record<string, unknown> {
  if (!isObject(value)) throw invalidValue("reminders");
  const overrides = value.overrides;
  const useDefault = value.useDefault === true;
  if (overrides !== undefined && overrides !== null) {
    if (!Array.isArray(overrides)) throw invalidValue("reminders.overrides");
    if (useDefault && overrides.length > 0) {
      throw calendarErrors.remindersConflict();
    }
    for (const reminder of overrides) {
      const ok =
        isObject(reminder) &&
        (reminder.method === "email" || reminder.method === "popup") &&
        Number.isInteger(reminder.minutes) &&
        (reminder.minutes as number) >= 0 &&
        (reminder.minutes as number) <= 40320;
      if (!ok) throw invalidValue("reminders.overrides");
    }
    return { useDefault, overrides };
  }
  return { useDefault };
}

function readAttendees(value: unknown, ownerEmail: string): Attendee[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidValue("attendees");
  const seen = new Set<string>();
  const out: Attendee[] = [];
  for (const item of value) {
    if (!isObject(item) || typeof item.email !== "string" || item.email === "") {
      throw calendarErrors.required("Missing attendee email.");
    }
    if (!/^[^\s@]+@[^\s@]+$/.test(item.email)) throw calendarErrors.invalid("Invalid attendee email.");
    const key = item.email.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const isOwner = key === ownerEmail.toLowerCase();
    const attendee: Attendee = { email: item.email, responseStatus: "needsAction" };
    if (typeof item.displayName === "string") attendee.displayName = item.displayName;
    if (isOwner) {
      attendee.organizer = true;
      attendee.self = true;
      // The organizer's own invitation is accepted by construction.
      attendee.responseStatus = "accepted";
    }
    if (item.optional === true) attendee.optional = true;
    if (item.resource === true) attendee.resource = true;
    if (typeof item.responseStatus === "string" && RESPONSE_STATUSES.includes(item.responseStatus)) {
      attendee.responseStatus = item.responseStatus;
    }
    if (typeof item.comment === "string") attendee.comment = item.comment;
    if (Number.isInteger(item.additionalGuests)) attendee.additionalGuests = item.additionalGuests as number;
    out.push(attendee);
  }
  return out;
}

function readRecurrence(value: unknown, zone: string): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || !value.every((line) => typeof line === "string"))
    throw invalidValue("recurrence");
  if (value.length === 0) return null;
  if (parseRecurrence(value as string[], zone) === null)
    throw calendarErrors.invalid("Invalid recurrence rule.");
  return [...(value as string[])];
}

function readFields(body: Record<string, unknown>): EventFields {
  const fields: EventFields = {};
  for (const name of STRING_FIELDS) {
    const value = body[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string" && typeof value !== "number") throw invalidValue(name);
    fields[name] = String(value);
  }
  for (const name of BOOLEAN_FIELDS) {
    const value = body[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== "boolean") throw invalidValue(name);
    fields[name] = value;
  }
  for (const name of OBJECT_FIELDS) {
    const value = body[name];
    if (value === undefined || value === null) continue;
    if (!isObject(value)) throw invalidValue(name);
    fields[name] = structuredClone(value);
  }
  for (const [name, allowed] of Object.entries(ENUMS)) {
    const value = body[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string" || !allowed.includes(value)) throw invalidValue(name);
    fields[name] = value;
  }
  if (body.reminders !== undefined && body.reminders !== null)
    fields.reminders = readReminders(body.reminders);
  return fields;
}

/** Validates a full event body; `ownerEmail` marks the organizer among attendees. */
export function readEventBody(
  body: Record<string, unknown>,
  ownerEmail: string,
  calendarZone: string,
): EventDraft {
  const startZone =
    isObject(body.start) && typeof body.start.timeZone === "string" ? body.start.timeZone : calendarZone;
  const recurrence = readRecurrence(body.recurrence, startZone);
  const { start, end } = readEventTimes(body, recurrence !== null);
  const status = body.status ?? "confirmed";
  if (typeof status !== "string" || !STATUSES.includes(status)) throw invalidValue("status");
  const sequence = body.sequence;
  if (sequence !== undefined && sequence !== null && !Number.isInteger(sequence))
    throw invalidValue("sequence");
  return {
    start,
    end,
    recurrence,
    status: status as EventStatus,
    fields: readFields(body),
    attendees: readAttendees(body.attendees, ownerEmail),
    sequence: typeof sequence === "number" ? sequence : null,
  };
}

/** The writable JSON of a stored event: what a patch is merged onto. */
export function writableJson(event: StoredEvent, calendarZone: string): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(event.fields);
  out.start = timeToJson(event.start, calendarZone);
  out.end = timeToJson(event.end, calendarZone);
  out.status = event.status;
  if (event.recurrence !== null) out.recurrence = [...event.recurrence];
  if (event.attendees.length > 0) out.attendees = structuredClone(event.attendees);
  return out;
}

/**
 * Patch semantics of Google's JSON APIs: objects merge, arrays and scalars replace, `null`
 * clears. Switching `start`/`end` between `date` and `dateTime` replaces the other form.
 */
export function mergePatch(
  base: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    if (value === null) delete out[key];
    else if (isObject(value) && isObject(current)) {
      const merged = mergePatch(current, value);
      if ((key === "start" || key === "end") && "date" in value && !("dateTime" in value))
        delete merged.dateTime;
      if ((key === "start" || key === "end") && "dateTime" in value && !("date" in value)) delete merged.date;
      out[key] = merged;
    } else out[key] = structuredClone(value);
  }
  return out;
}
