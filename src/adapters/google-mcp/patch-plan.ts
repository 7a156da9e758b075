import type { CalendarEvent, EventDraft } from "../../domain/calendar.ts";
import { DomainError } from "../../domain/errors.ts";
import type { AttendeeDelta } from "./calendar-mcp-schema.ts";

type AttendeeChange = { email: string; optional?: boolean; responseStatus?: string };

export type PatchChanges = EventDraft & { attendees?: AttendeeChange[] };

export interface PatchPlan {
  /** The fields `update_event` sets (attendees aside). */
  fields: EventDraft;
  delta: AttendeeDelta;
  /** Whether `update_event` has anything to do. */
  update: boolean;
  /** The customer's own new response, for `respond_to_event`; null when it does not change. */
  respond: "accepted" | "declined" | "tentative" | null;
}

/**
 * A port patch (attendees replace the list) as Google's MCP writes: `update_event` with an
 * attendee delta from the event as it is, and `respond_to_event` for the customer's own answer,
 * the one response `update_event` cannot set.
 * @param current the event now; needed when `changes.attendees` is given
 * @throws DomainError invalid_argument for what Google's MCP tools cannot change
 */
export function planPatch(changes: PatchChanges, current: CalendarEvent | null): PatchPlan {
  const { attendees: listed, recurrence, ...fields } = changes;
  const attendees: AttendeeChange[] | undefined = listed;
  if (recurrence !== undefined) {
    throw new DomainError(
      "invalid_argument",
      "Google's Calendar MCP server cannot change an event's recurrence",
      {
        details: { field: "recurrence" },
      },
    );
  }
  const delta: AttendeeDelta = { added: [], removedEmails: [] };
  let respond: PatchPlan["respond"] = null;
  if (attendees !== undefined) {
    const before = new Map((current?.attendees ?? []).map((a) => [a.email.toLowerCase(), a]));
    const wanted = new Map(attendees.map((a) => [a.email.toLowerCase(), a]));
    for (const attendee of attendees) {
      const existing = before.get(attendee.email.toLowerCase());
      if (existing === undefined || (existing.optional === true) !== (attendee.optional === true)) {
        delta.added.push(
          attendee.optional === true ? { email: attendee.email, optional: true } : { email: attendee.email },
        );
      }
    }
    for (const [email, existing] of before) if (!wanted.has(email)) delta.removedEmails.push(existing.email);
    const self = current?.attendees.find((a) => a.self === true);
    const mine = self === undefined ? undefined : wanted.get(self.email.toLowerCase());
    if (
      self !== undefined &&
      mine?.responseStatus !== undefined &&
      mine.responseStatus !== self.responseStatus
    ) {
      respond = ownResponse(mine.responseStatus);
    }
  }
  const update = Object.keys(fields).length > 0 || delta.added.length > 0 || delta.removedEmails.length > 0;
  return { fields, delta, update, respond };
}

function ownResponse(status: string): PatchPlan["respond"] {
  if (status === "accepted" || status === "declined" || status === "tentative") return status;
  throw new DomainError("invalid_argument", "A response can only be accepted, declined or tentative", {
    details: { field: "responseStatus" },
  });
}
