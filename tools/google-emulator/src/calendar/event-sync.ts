/**
 * events.list with a `syncToken`: what changed since the token, deleted events included as
 * `cancelled` stubs (Google guarantees only their id), whatever `showDeleted` says.
 */

import type { EmulatorState } from "../emulator-state.ts";
import type { CalendarRecord } from "./calendar-store.ts";
import { changedSince, checkSyncParameters, currentSyncToken } from "./change-log.ts";
import { type ListOptions, page } from "./event-list.ts";
import { findInstance } from "./event-occurrences.ts";
import { type EventJson, renderCancelledStub, renderEvent } from "./event-resource.ts";
import type { Query } from "./query-params.ts";

export function listChanges(
  state: EmulatorState,
  calendar: CalendarRecord,
  query: Query,
  options: ListOptions,
  token: string,
): Record<string, unknown> {
  checkSyncParameters(query);
  const render = { calendar, zone: options.zone };
  const items: EventJson[] = [];
  for (const id of changedSince(state, calendar, token)) {
    const event = calendar.events.get(id) ?? findInstance(calendar, id)?.exception ?? null;
    if (event === null) continue;
    items.push(
      event.status === "cancelled" ? renderCancelledStub(event, render) : renderEvent(event, render),
    );
  }
  return withSyncToken(state, calendar, page(calendar, options, items));
}

/** The last page of any list carries the token for the next incremental sync. */
export function withSyncToken(
  state: EmulatorState,
  calendar: CalendarRecord,
  answer: Record<string, unknown>,
): Record<string, unknown> {
  if (answer.nextPageToken === undefined) answer.nextSyncToken = currentSyncToken(state, calendar);
  return answer;
}
