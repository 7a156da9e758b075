import { z } from "zod";
import type { CalendarEvent } from "../../../domain/calendar.ts";
import { eventOutput, toEventOutput } from "./calendar-views.ts";

/**
 * What keeps one list_events answer small whatever the calendar holds: at most
 * MAX_EVENTS_PER_PAGE events (the rest on later pages), and each description cut to
 * MAX_LISTED_DESCRIPTION_CHARS with a marker. get_event gives the full event.
 */

export const MAX_EVENTS_PER_PAGE = 100;
export const MAX_LISTED_DESCRIPTION_CHARS = 1000;

const MARKER = " … [truncated; get_event has the full description]";

export const listedEventOutput = eventOutput.extend({
  description_truncated: z
    .boolean()
    .optional()
    .describe("true when description was cut short here; get_event gives the full text"),
});

type ListedEvent = z.infer<typeof listedEventOutput>;

/** The page size to ask Google for: the caller's, but never above MAX_EVENTS_PER_PAGE. */
export function boundedPageSize(requested: number | undefined): number {
  return requested === undefined ? MAX_EVENTS_PER_PAGE : Math.min(requested, MAX_EVENTS_PER_PAGE);
}

export function toListedEvent(event: CalendarEvent, zone?: string): ListedEvent {
  const output: ListedEvent = toEventOutput(event, zone);
  const description = output.description;
  if (description === null || description.length <= MAX_LISTED_DESCRIPTION_CHARS) return output;
  let end = MAX_LISTED_DESCRIPTION_CHARS;
  // Never split a surrogate pair: half an emoji is not valid Unicode.
  const last = description.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  output.description = `${description.slice(0, end)}${MARKER}`;
  output.description_truncated = true;
  return output;
}
