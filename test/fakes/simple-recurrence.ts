import {
  addDays,
  daysInMonth,
  isoWeekday,
  type LocalDate,
  type LocalDateTime,
  zonedToInstant,
} from "../../src/domain/zoned-time.ts";

/**
 * Enough of RFC 5545 for a fake calendar: FREQ=DAILY|WEEKLY|MONTHLY|YEARLY with INTERVAL,
 * COUNT, UNTIL and (weekly) BYDAY, plus EXDATE lines. Occurrences keep the first one's wall
 * time in the event's zone, so they follow DST as Google's do. Unknown parts are ignored.
 */

const WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
/** A runaway rule stops here. */
const MAX_OCCURRENCES = 1000;

export interface Occurrence {
  /** Wall-clock start in the zone. */
  local: LocalDateTime;
  start: Date;
}

/**
 * Occurrence starts from `first` (the event's own start) up to `until` (exclusive), in order.
 * `zone` is the zone the event's wall time is kept in.
 */
export function expandRecurrence(
  first: LocalDateTime,
  zone: string,
  recurrence: string[],
  until: Date,
): Occurrence[] {
  const ruleLine = recurrence.find((line) => line.startsWith("RRULE:"));
  const excluded = new Set(recurrence.filter((line) => line.startsWith("EXDATE")).flatMap(exdates));
  const rule = parseRule(ruleLine?.slice("RRULE:".length) ?? "FREQ=DAILY;COUNT=1");
  const out: Occurrence[] = [];
  let counted = 0;
  for (const date of candidateDates(first, rule)) {
    const local = { ...date, hour: first.hour, minute: first.minute, second: first.second };
    const start = zonedToInstant(local, zone, "shift") ?? new Date(Number.NaN);
    if (rule.until !== null && start > rule.until) break;
    if (rule.count !== null && counted >= rule.count) break;
    counted += 1;
    if (start >= until || counted > MAX_OCCURRENCES) break;
    if (!excluded.has(compact(local)) && !excluded.has(compactUtc(start))) out.push({ local, start });
  }
  return out;
}

interface Rule {
  freq: "DAILY" | "WEEKLY" | "MONTHLY" | "YEARLY";
  interval: number;
  count: number | null;
  until: Date | null;
  byDay: number[];
}

function parseRule(text: string): Rule {
  const parts = new Map(
    text.split(";").map((part) => {
      const [name, value] = part.split("=");
      return [(name ?? "").toUpperCase(), value ?? ""] as const;
    }),
  );
  const freq = parts.get("FREQ");
  return {
    freq: freq === "WEEKLY" || freq === "MONTHLY" || freq === "YEARLY" ? freq : "DAILY",
    interval: Math.max(1, Number(parts.get("INTERVAL") ?? "1") || 1),
    count: parts.has("COUNT") ? Number(parts.get("COUNT")) : null,
    until: parts.has("UNTIL") ? parseUntil(parts.get("UNTIL") ?? "") : null,
    byDay: (parts.get("BYDAY") ?? "")
      .split(",")
      .map((code) => WEEKDAY_CODES.indexOf(code.slice(-2)) + 1)
      .filter((day) => day > 0),
  };
}

function* candidateDates(first: LocalDate, rule: Rule): Generator<LocalDate> {
  for (let step = 0; step < MAX_OCCURRENCES * 7; step += 1) {
    const n = step * rule.interval;
    if (rule.freq === "DAILY") yield addDays(first, n);
    else if (rule.freq === "WEEKLY") {
      if (rule.byDay.length === 0) {
        yield addDays(first, 7 * n);
        continue;
      }
      const monday = addDays(first, 7 * n - (isoWeekday(first) - 1));
      for (const day of [...rule.byDay].sort((a, b) => a - b)) {
        const date = addDays(monday, day - 1);
        // The first week may hold chosen days before the event's own start.
        if (!before(date, first)) yield date;
      }
    } else {
      const months = rule.freq === "MONTHLY" ? n : 12 * n;
      const index = first.month - 1 + months;
      const year = first.year + Math.floor(index / 12);
      const month = (index % 12) + 1;
      // A 31st in a 30-day month does not happen (RFC 5545), rather than sliding.
      if (first.day <= daysInMonth(year, month)) yield { year, month, day: first.day };
    }
  }
}

function before(a: LocalDate, b: LocalDate): boolean {
  return a.year * 10_000 + a.month * 100 + a.day < b.year * 10_000 + b.month * 100 + b.day;
}

/** "20260401T000000Z" or "20260401" (end of that day, UTC). */
function parseUntil(text: string): Date {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$/.exec(text);
  if (match === null) return new Date(8.64e15);
  const [, y, mo, d, h, mi, s] = match.map(Number);
  if (match[4] === undefined) return new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, 23, 59, 59));
  return new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0));
}

/** EXDATE[;TZID=…]:20260310T150000,… → compact stamps to match occurrences against. */
function exdates(line: string): string[] {
  const values = line.slice(line.indexOf(":") + 1);
  return values.split(",").map((value) => value.trim());
}

function compact(local: LocalDateTime): string {
  const pad = (value: number): string => String(value).padStart(2, "0");
  return `${local.year}${pad(local.month)}${pad(local.day)}T${pad(local.hour)}${pad(local.minute)}${pad(local.second)}`;
}

function compactUtc(instant: Date): string {
  return `${instant.toISOString().slice(0, 19).replaceAll("-", "").replaceAll(":", "")}Z`;
}
