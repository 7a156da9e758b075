import { describe, expect, test } from "bun:test";
import { instantToLocal, type LocalDateTime } from "../../src/calendar/calendar-time.ts";

/** What Intl says the wall clock reads: the reference instantToLocal's cached offsets must match. */
function intlReading(instant: number, zone: string): LocalDateTime {
  const formatter = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(instant))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const { year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0 } = parts;
  return { year, month, day, hour, minute, second };
}

describe("instantToLocal", () => {
  const zones = [
    "Europe/Madrid",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
  ];

  test("reads as Intl does, across DST changes and odd offsets, asked twice (cached)", () => {
    for (const zone of zones) {
      for (
        let instant = Date.UTC(1990, 0, 1);
        instant < Date.UTC(2031, 0, 1);
        instant += 86_400_000 * 9 + 3_600_037
      ) {
        for (const at of [instant, instant + 59_999, instant]) {
          expect(instantToLocal(at, zone)).toEqual(intlReading(at, zone));
        }
      }
    }
  });

  test("a transition inside a minute (Monrovia 1972, -00:44:30 to GMT) is read to the second", () => {
    // 1972-01-07T00:44:30Z: the minute 00:44 UTC holds two offsets. Read it backwards and then
    // forwards, so a wrongly cached offset from either side would show.
    const start = Date.UTC(1972, 0, 7, 0, 43, 30);
    const seconds = Array.from({ length: 120 }, (_, index) => start + index * 1000);
    for (const at of [...seconds].reverse().concat(seconds)) {
      expect(instantToLocal(at, "Africa/Monrovia")).toEqual(intlReading(at, "Africa/Monrovia"));
    }
    expect(instantToLocal(Date.UTC(1972, 0, 7, 0, 44, 29), "Africa/Monrovia")).toMatchObject({
      day: 6,
      hour: 23,
      minute: 59,
      second: 59,
    });
  });

  test("years below 100 stay themselves", () => {
    const at = new Date(0);
    at.setUTCFullYear(29, 11, 16);
    expect(instantToLocal(at.getTime(), "UTC").year).toBe(29);
    expect(instantToLocal(at.getTime(), "Europe/Madrid").year).toBe(29);
  });
});
