/**
 * events.list: window filtering (timeMin bounds the END, timeMax the START, both exclusive),
 * free-text search, recurring expansion with singleEvents, ordering and paging.
 */

import { calendarErrors } from "./calendar-errors.ts";
import { type CalendarRecord, nextEtag, type StoredEvent } from "./calendar-store.ts";
import { formatUtcMillis } from "./calendar-time.ts";
import { occurrencesIn, overlaps, type Span, spanOf } from "./event-occurrences.ts";
import { type EventJson, renderCancelledStub, renderEvent, renderInstance } from "./event-resource.ts";
import {
  decodePageToken,
  encodePageToken,
  type Query,
  readBoolean,
  readEnum,
  readInteger,
  readTimestamp,
  readTimeZone,
} from "./query-params.ts";

/** Occurrences one series may contribute to a single list answer. */
const MAX_INSTANCES_PER_SERIES = 2500;

export interface ListOptions {
  timeMin: number | null;
  timeMax: number | null;
  updatedMin: number | null;
  q: string[];
  iCalUID: string | null;
  singleEvents: boolean;
  showDeleted: boolean;
  orderBy: string | null;
  maxResults: number;
  offset: number;
  zone: string;
}

interface Row {
  json: EventJson;
  span: Span;
  updated: number;
  created: number;
}

export function readListOptions(query: Query, calendar: CalendarRecord): ListOptions {
  const timeMin = readTimestamp(query, "timeMin");
  const timeMax = readTimestamp(query, "timeMax");
  const singleEvents = readBoolean(query, "singleEvents");
  const orderBy = readEnum(query, "orderBy", ["startTime", "updated"]);
  const options: ListOptions = {
    timeMin,
    timeMax,
    updatedMin: readTimestamp(query, "updatedMin"),
    q: (query("q") ?? "").toLowerCase().split(/\s+/).filter(Boolean),
    iCalUID: query("iCalUID") ?? null,
    singleEvents,
    showDeleted: readBoolean(query, "showDeleted"),
    orderBy,
    maxResults: readInteger(query, "maxResults", 250, 1, 2500),
    offset: decodePageToken(query),
    zone: readTimeZone(query, calendar.timeZone),
  };
  if (timeMin !== null && timeMax !== null && timeMax <= timeMin) throw calendarErrors.timeRangeEmpty(true);
  if (orderBy === "startTime" && !singleEvents) throw calendarErrors.orderingUnavailable();
  return options;
}

function matchesText(event: StoredEvent, calendar: CalendarRecord, terms: string[]): boolean {
  if (terms.length === 0) return true;
  const parts = [event.fields.summary, event.fields.description, event.fields.location, calendar.ownerEmail];
  for (const attendee of event.attendees) parts.push(attendee.email, attendee.displayName);
  const haystack = parts
    .filter((p) => typeof p === "string")
    .join("\n")
    .toLowerCase();
  return terms.every((term) => haystack.includes(term));
}

function visible(event: StoredEvent, options: ListOptions): boolean {
  // Since updatedMin, deletions are always reported, whatever showDeleted says.
  if (options.updatedMin !== null && event.updated < options.updatedMin) return false;
  return event.status !== "cancelled" || options.showDeleted || options.updatedMin !== null;
}

function collectSeries(
  series: StoredEvent,
  calendar: CalendarRecord,
  options: ListOptions,
  rows: Row[],
): void {
  const render = { calendar, zone: options.zone };
  const exceptionIds = new Set(series.exceptions.keys());
  if (!options.singleEvents) {
    if (!visible(series, options)) return;
    if (occurrencesIn(series, calendar, options.timeMin, options.timeMax, 1).length > 0) {
      rows.push(rowOf(renderEvent(series, render), series, calendar));
    }
    for (const exception of series.exceptions.values()) {
      if (exception.status === "cancelled")
        rows.push(rowOf(renderCancelledStub(exception, render), exception, calendar));
      else if (
        visible(exception, options) &&
        overlaps(spanOf(exception.start, exception.end, calendar.timeZone), options.timeMin, options.timeMax)
      ) {
        rows.push(rowOf(renderEvent(exception, render), exception, calendar));
      }
    }
    return;
  }
  // With singleEvents the series itself never appears; a deleted series shows its instances as cancelled.
  const seriesGone = series.status === "cancelled";
  if (seriesGone && !options.showDeleted) return;
  for (const occurrence of occurrencesIn(
    series,
    calendar,
    options.timeMin,
    options.timeMax,
    MAX_INSTANCES_PER_SERIES,
  )) {
    if (exceptionIds.has(occurrence.id)) continue;
    const json = renderInstance(series, occurrence.id, occurrence.start, render);
    rows.push({ json, span: occurrence.span, updated: series.updated, created: series.created });
  }
  for (const exception of series.exceptions.values()) {
    if (!visible(exception, options) || (seriesGone && exception.status !== "cancelled")) continue;
    const span = spanOf(exception.start, exception.end, calendar.timeZone);
    if (overlaps(span, options.timeMin, options.timeMax))
      rows.push(rowOf(renderEvent(exception, render), exception, calendar));
  }
}

function rowOf(json: EventJson, event: StoredEvent, calendar: CalendarRecord): Row {
  return {
    json,
    span: spanOf(event.start, event.end, calendar.timeZone),
    updated: event.updated,
    created: event.created,
  };
}

function compareRows(orderBy: string | null): (a: Row, b: Row) => number {
  const byId = (a: Row, b: Row): number => String(a.json.id).localeCompare(String(b.json.id));
  if (orderBy === "startTime")
    return (a, b) => a.span.start - b.span.start || a.span.end - b.span.end || byId(a, b);
  if (orderBy === "updated") return (a, b) => a.updated - b.updated || byId(a, b);
  // "Unspecified, stable order": creation order, then instance order.
  return (a, b) => a.created - b.created || a.span.start - b.span.start || byId(a, b);
}

export function listEvents(calendar: CalendarRecord, options: ListOptions): Record<string, unknown> {
  const rows: Row[] = [];
  for (const event of calendar.events.values()) {
    if (!matchesText(event, calendar, options.q)) continue;
    if (options.iCalUID !== null && `${event.id}@google.com` !== options.iCalUID) continue;
    if (event.recurrence !== null) {
      collectSeries(event, calendar, options, rows);
      continue;
    }
    const span = spanOf(event.start, event.end, calendar.timeZone);
    if (visible(event, options) && overlaps(span, options.timeMin, options.timeMax)) {
      rows.push(rowOf(renderEvent(event, { calendar, zone: options.zone }), event, calendar));
    }
  }
  rows.sort(compareRows(options.orderBy));
  return page(
    calendar,
    options,
    rows.map((row) => row.json),
  );
}

/** The events-collection envelope around one page of `items`. */
export function page(
  calendar: CalendarRecord,
  options: ListOptions,
  items: EventJson[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    kind: "calendar#events",
    etag: nextEtag(null, calendar.updated),
    summary: calendar.summary,
    updated: formatUtcMillis(calendar.updated),
    timeZone: calendar.timeZone,
    accessRole: "owner",
    defaultReminders: [{ method: "popup", minutes: 10 }],
  };
  const end = options.offset + options.maxResults;
  if (end < items.length) out.nextPageToken = encodePageToken(end);
  out.items = items.slice(options.offset, end);
  return out;
}

/** events.instances: the occurrences of one series, exceptions included, in start order. */
export function listInstances(
  calendar: CalendarRecord,
  series: StoredEvent,
  options: ListOptions,
): Record<string, unknown> {
  const render = { calendar, zone: options.zone };
  const items: EventJson[] = [];
  if (series.recurrence !== null) {
    const limit = options.offset + options.maxResults + 1;
    for (const occurrence of occurrencesIn(series, calendar, options.timeMin, options.timeMax, limit)) {
      const exception = series.exceptions.get(occurrence.id);
      if (exception === undefined)
        items.push(renderInstance(series, occurrence.id, occurrence.start, render));
      else if (exception.status !== "cancelled" || options.showDeleted)
        items.push(renderEvent(exception, render));
    }
  }
  return page(calendar, options, items);
}
