import type { EventChange } from "../notification.ts";
import type { ObservedEvent } from "../ports/calendar-watch.ts";
import type { OwnWrites } from "../ports/change-tracking.ts";

export interface ObservedChange {
  change: EventChange["change"];
  event: ObservedEvent;
}

export interface Diff {
  changes: ObservedChange[];
  /** What is seen after applying the changes. */
  seen: Record<string, ObservedEvent>;
}

/**
 * Apply changed events to what was seen: new ids are created, a new `updated` stamp is an
 * update, a cancelled event we had seen is cancelled (reported with what we knew of it, since a
 * deleted event's stub carries only its id). Repeats of what was seen change nothing, so a
 * change delivered twice is reported once.
 */
export function applyChanges(seen: Record<string, ObservedEvent>, events: ObservedEvent[]): Diff {
  const next = { ...seen };
  const changes: ObservedChange[] = [];
  for (const event of events) {
    const previous = next[event.id];
    // One occurrence of a followed series, changed on its own, is a change to something known.
    const series = previous === undefined ? seriesOf(event.id, next) : undefined;
    if (event.status === "cancelled") {
      const known = previous ?? series;
      if (known === undefined || known.status === "cancelled") continue;
      const cancelled = {
        ...known,
        id: event.id,
        status: "cancelled" as const,
        updated: event.updated ?? known.updated,
      };
      // A cancelled occurrence stays, as such, so that a repeat is not reported again.
      if (previous === undefined) next[event.id] = cancelled;
      else delete next[event.id];
      changes.push({ change: "cancelled", event: cancelled });
    } else if (previous === undefined || previous.status === "cancelled") {
      next[event.id] = event;
      changes.push({ change: series === undefined && previous === undefined ? "created" : "updated", event });
    } else if (previous.updated !== event.updated) {
      next[event.id] = event;
      changes.push({ change: "updated", event });
    }
  }
  return { changes, seen: next };
}

/** Google names an occurrence `<series id>_<original start>`: the series, when we follow it. */
function seriesOf(id: string, seen: Record<string, ObservedEvent>): ObservedEvent | undefined {
  const cut = id.lastIndexOf("_");
  return cut > 0 ? seen[id.slice(0, cut)] : undefined;
}

/**
 * A full listing against what was seen (after a 410, or a poll): the listing's events are
 * applied as changes, and whatever was seen but is no longer listed was cancelled. Nothing is
 * lost and nothing already reported is reported again.
 */
export function diffFullListing(seen: Record<string, ObservedEvent>, listed: ObservedEvent[]): Diff {
  const applied = applyChanges(seen, listed);
  const present = new Set(listed.filter((event) => event.status !== "cancelled").map((event) => event.id));
  const gone = Object.keys(applied.seen).filter(
    (id) => !present.has(id) && applied.seen[id]?.status !== "cancelled",
  );
  const missing = gone.map(
    (id): ObservedEvent => ({ ...(applied.seen[id] as ObservedEvent), status: "cancelled" }),
  );
  const removed = applyChanges(applied.seen, missing);
  return { changes: [...applied.changes, ...removed.changes], seen: removed.seen };
}

/** The report of each change, marked when one of our tools made it. */
export async function toEventChanges(
  changes: ObservedChange[],
  ownWrites: OwnWrites,
): Promise<EventChange[]> {
  const reported: EventChange[] = [];
  for (const { change, event } of changes) {
    const stamp = change === "cancelled" ? "deleted" : (event.updated ?? "");
    const ours = await ownWrites.has(event.id, stamp);
    reported.push({
      change,
      eventId: event.id,
      summary: event.summary,
      start: event.start,
      end: event.end,
      status: event.status,
      updated: event.updated,
      ...(ours ? { origin: "this_server" as const } : {}),
    });
  }
  return reported;
}

/** Same length and same characters, in time that depends only on the length. */
export function sameSecret(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
