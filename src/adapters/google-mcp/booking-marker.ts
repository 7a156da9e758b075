/**
 * Google's `create_event` takes no client-chosen id. To find an event again after a crash between
 * Google's answer and our record of it, an insert with `InsertOptions.eventId` ends the event's
 * description with a reference line carrying that id; `list_events` with `fullText` = the id (the
 * port's `EventQuery.text`) finds it. Events read back never show the line.
 */

const LABEL = "Booking reference:";
const TRAILER = /(?:\r?\n)*Booking reference: [0-9a-v]{5,1024}\s*$/;

export function withMarker(description: string | undefined, eventId: string): string {
  const line = `${LABEL} ${eventId}`;
  return description === undefined || description === "" ? line : `${description}\n\n${line}`;
}

/** The description without our reference line; null stays null, an emptied one becomes null. */
export function withoutMarker(description: string | null): string | null {
  if (description === null) return null;
  const stripped = description.replace(TRAILER, "");
  return stripped === "" ? null : stripped;
}
