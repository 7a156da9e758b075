import { describe, expect, test } from "bun:test";
import { at, CUSTOMER, calendarWorld, codeOf, interval } from "./calendar-fixtures.ts";

describe("FindAvailableSlots", () => {
  test("working hours follow the wall clock across Madrid's DST change", async () => {
    const { findSlots } = await calendarWorld({ now: "2026-03-20T00:00:00Z" });
    // Fri 27 March is UTC+1; DST starts Sun 29 March; Mon 30 March is UTC+2.
    const result = await findSlots.execute(CUSTOMER, {
      timeMin: at("2026-03-27T00:00:00Z"),
      timeMax: at("2026-03-31T00:00:00Z"),
      durationMinutes: 480,
    });
    expect(result.timeZone).toBe("Europe/Madrid");
    expect(result.slots).toEqual([
      interval("2026-03-27T09:00:00+01:00", "2026-03-27T17:00:00+01:00"),
      interval("2026-03-30T09:00:00+02:00", "2026-03-30T17:00:00+02:00"),
    ]);
  });

  test("busy time is skipped and slots restart on the next 15-minute mark", async () => {
    const { findSlots, calendar } = await calendarWorld({ now: "2026-03-01T00:00:00Z" });
    calendar.seedEvent("primary", {
      start: { dateTime: "2026-03-10T09:00:00+01:00" },
      end: { dateTime: "2026-03-10T10:20:00+01:00" },
    });
    const result = await findSlots.execute(CUSTOMER, {
      timeMin: at("2026-03-10"),
      timeMax: at("2026-03-11"),
      durationMinutes: 45,
      maxResults: 3,
      workingHours: { start: "09:00", end: "12:00" },
    });
    expect(result.slots).toEqual([
      interval("2026-03-10T10:30:00+01:00", "2026-03-10T11:15:00+01:00"),
      interval("2026-03-10T11:15:00+01:00", "2026-03-10T12:00:00+01:00"),
    ]);
  });

  test("an explicit zone and working days; weekends and the past are left out", async () => {
    const { findSlots, calendar } = await calendarWorld({ now: "2026-03-13T20:30:00Z" });
    const result = await findSlots.execute(CUSTOMER, {
      timeMin: at("2026-03-13T00:00"),
      timeMax: at("2026-03-17T00:00"),
      timeZone: "America/New_York",
      durationMinutes: 60,
      workingHours: { start: "16:00", end: "18:00", days: [5, 1] },
    });
    // Friday 13th: it is already 16:30 in New York (UTC-4 since 8 March); Monday 16th is whole.
    expect(result.slots).toEqual([
      interval("2026-03-13T16:30:00-04:00", "2026-03-13T17:30:00-04:00"),
      interval("2026-03-16T16:00:00-04:00", "2026-03-16T17:00:00-04:00"),
      interval("2026-03-16T17:00:00-04:00", "2026-03-16T18:00:00-04:00"),
    ]);
    expect(result.workingHours).toEqual({ startMinute: 16 * 60, endMinute: 18 * 60, days: [1, 5] });
    expect(calendar.callCount("getTimeZone")).toBe(0);
  });

  test("bad arguments are invalid_argument", async () => {
    const { findSlots } = await calendarWorld();
    const window = { timeMin: at("2026-03-10T00:00:00Z"), timeMax: at("2026-03-11T00:00:00Z") };
    expect(await codeOf(findSlots.execute(CUSTOMER, { ...window, durationMinutes: 0 }))).toBe(
      "invalid_argument",
    );
    const late = { start: "18:00", end: "09:00" };
    expect(
      await codeOf(findSlots.execute(CUSTOMER, { ...window, durationMinutes: 30, workingHours: late })),
    ).toBe("invalid_argument");
    const sunday8 = { days: [8] };
    expect(
      await codeOf(findSlots.execute(CUSTOMER, { ...window, durationMinutes: 30, workingHours: sunday8 })),
    ).toBe("invalid_argument");
  });
});
