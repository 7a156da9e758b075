import { describe, expect, test } from "bun:test";
import {
  formatInstant,
  formatLocal,
  formatOffset,
  offsetMinutes,
  zonedParts,
} from "../../src/domain/zoned-time.ts";

/** What Intl itself reads, instant by instant: the reference the cached offsets must match. */
const formats = new Map<string, Intl.DateTimeFormat>();

function intlReading(instant: Date, zone: string) {
  const values: Record<string, string> = {};
  const format =
    formats.get(zone) ??
    new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      weekday: "short",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
  formats.set(zone, format);
  for (const part of format.formatToParts(instant)) values[part.type] = part.value;
  const weekdays: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
  return {
    year: Number(values.year),
    month: Number(values.month),
    day: Number(values.day),
    hour: Number(values.hour),
    minute: Number(values.minute),
    second: Number(values.second),
    weekday: weekdays[values.weekday ?? ""] ?? 0,
  };
}

// Zones with DST at different hours, half-hour and 45-minute offsets, a 30-minute DST shift
// (Lord Howe), a southern-hemisphere DST, and no DST at all.
const ZONES = [
  "Europe/Madrid",
  "America/New_York",
  "America/St_Johns",
  "Asia/Kathmandu",
  "Australia/Lord_Howe",
  "Pacific/Chatham",
  "America/Santiago",
  "Asia/Tokyo",
  "UTC",
];

describe("zoned time readings", () => {
  test("every reading equals Intl's, through a year of transitions, in every zone", () => {
    // Every 37 minutes and 13 seconds over 2026 (about 14,000 instants per zone): the steps
    // fall at every minute and second of the hour over the year.
    const from = Date.UTC(2026, 0, 1);
    const to = Date.UTC(2027, 0, 1);
    let compared = 0;
    for (const zone of ZONES) {
      for (let ms = from; ms < to; ms += 2_233_000) {
        const instant = new Date(ms);
        const expected = intlReading(instant, zone);
        const actual = zonedParts(instant, zone);
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          expect({ zone, instant, actual }).toEqual({ zone, instant, actual: expected });
        }
        const written = `${formatLocal(expected)}${formatOffset(intlOffset(instant, zone))}`;
        if (formatInstant(instant, zone) !== written) {
          expect({ zone, instant, text: formatInstant(instant, zone) }).toEqual({
            zone,
            instant,
            text: written,
          });
        }
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(ZONES.length * 14_000);
  });

  test("the second before and after each 2026 transition reads as Intl reads it", () => {
    let transitions = 0;
    for (const zone of ZONES) {
      // Find each transition by bisection between hourly readings whose offsets differ.
      const from = Date.UTC(2026, 0, 1);
      for (let hour = from; hour < Date.UTC(2027, 0, 1); hour += 3_600_000) {
        const before = intlOffset(new Date(hour), zone);
        const after = intlOffset(new Date(hour + 3_600_000), zone);
        if (before === after) continue;
        let low = hour;
        let high = hour + 3_600_000;
        while (high - low > 1000) {
          const middle = Math.floor((low + high) / 2000) * 1000;
          if (intlOffset(new Date(middle), zone) === before) low = middle;
          else high = middle;
        }
        transitions += 1;
        for (const ms of [low - 1000, low, high, high + 1000]) {
          const instant = new Date(ms);
          expect(zonedParts(instant, zone)).toEqual(intlReading(instant, zone));
          expect(offsetMinutes(instant, zone)).toBe(intlOffset(instant, zone));
        }
      }
    }
    // Two each in Madrid, New York, St John's, Lord Howe, Chatham and Santiago.
    expect(transitions).toBe(12);
  });

  test("historical offsets with seconds (local mean time) still read exactly", () => {
    const instant = new Date(Date.UTC(1890, 5, 1, 12, 0, 0));
    expect(zonedParts(instant, "Europe/Madrid")).toEqual(intlReading(instant, "Europe/Madrid"));
    expect(formatInstant(new Date("2026-03-29T00:59:59Z"), "Europe/Madrid")).toBe(
      "2026-03-29T01:59:59+01:00",
    );
    expect(formatInstant(new Date("2026-03-29T01:00:00Z"), "Europe/Madrid")).toBe(
      "2026-03-29T03:00:00+02:00",
    );
  });
});

function intlOffset(instant: Date, zone: string): number {
  const reading = intlReading(new Date(Math.floor(instant.getTime() / 1000) * 1000), zone);
  const local = Date.UTC(
    reading.year,
    reading.month - 1,
    reading.day,
    reading.hour,
    reading.minute,
    reading.second,
  );
  return Math.round((local - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}
