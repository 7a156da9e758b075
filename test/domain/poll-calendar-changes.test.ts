import { describe, expect, test } from "bun:test";
import { recordingOwnWrites } from "../../src/adapters/changes/own-write-recording-gateway.ts";
import { PollCalendarChanges } from "../../src/domain/changes/poll-calendar-changes.ts";
import { DomainError } from "../../src/domain/errors.ts";
import type { EventChange } from "../../src/domain/notification.ts";
import { InMemoryOwnWrites, InMemoryTrackedCalendars } from "../fakes/in-memory-change-tracking.ts";
import { RecordingNotifications } from "../fakes/recording-notifications.ts";
import { CUSTOMER, calendarWorld } from "./calendar-fixtures.ts";

async function setUp() {
  const world = await calendarWorld({ now: "2026-03-01T09:00:00Z" });
  const notifications = new RecordingNotifications();
  const ownWrites = new InMemoryOwnWrites();
  const poller = new PollCalendarChanges({
    tokens: world.tokens,
    calendar: world.calendar,
    tracked: new InMemoryTrackedCalendars(),
    ownWrites,
    notifications,
    lock: world.lock,
    clock: world.clock,
  });
  const ours = recordingOwnWrites(world.calendar, ownWrites);
  const token = (await world.tokens.execute(CUSTOMER)).accessToken;
  const at = (day: string, hour: number) => ({
    dateTime: `2026-03-${day}T${String(hour).padStart(2, "0")}:00:00+01:00`,
  });
  const insert = (summary: string, day: string) =>
    world.calendar.insertEvent(token, "primary", { summary, start: at(day, 10), end: at(day, 11) }, {});
  const reported = (): EventChange[][] =>
    notifications.recorded.map((n) => (n.type === "calendar.events_changed" ? n.changes : []));
  return { ...world, poller, ours, token, at, insert, reported };
}

describe("PollCalendarChanges (any backend, through the CalendarGateway port)", () => {
  test("the baseline reports nothing; then created, updated and cancelled once each", async () => {
    const w = await setUp();
    await w.insert("Already there", "02");
    await w.poller.start(CUSTOMER);
    expect(await w.poller.poll(CUSTOMER)).toBe(0);

    const added = await w.insert("Added", "03");
    expect(await w.poller.poll(CUSTOMER)).toBe(1);
    expect(await w.poller.poll(CUSTOMER)).toBe(0);
    w.clock.advance(60_000);
    await w.calendar.patchEvent(
      w.token,
      "primary",
      added.id,
      { start: w.at("03", 12), end: w.at("03", 13) },
      {},
    );
    await w.poller.poll(CUSTOMER);
    await w.calendar.deleteEvent(w.token, "primary", added.id, {});
    await w.poller.poll(CUSTOMER);

    expect(w.reported().map((changes) => changes.map((c) => [c.change, c.summary, c.origin]))).toEqual([
      [["created", "Added", undefined]],
      [["updated", "Added", undefined]],
      [["cancelled", "Added", undefined]],
    ]);
    expect(w.reported()[1]?.[0]?.start).toEqual(w.at("03", 12));
  });

  test("an event moved out of the window is an update, one that merely ended is dropped silently", async () => {
    const w = await setUp();
    const moved = await w.insert("Moved far", "02");
    await w.insert("Just ends", "01");
    await w.poller.start(CUSTOMER);
    w.clock.advance(60_000);
    await w.calendar.patchEvent(
      w.token,
      "primary",
      moved.id,
      { start: { dateTime: "2026-12-01T10:00:00+01:00" }, end: { dateTime: "2026-12-01T11:00:00+01:00" } },
      {},
    );
    expect(await w.poller.poll(CUSTOMER)).toBe(1);
    expect(w.reported()[0]).toEqual([
      expect.objectContaining({
        change: "updated",
        eventId: moved.id,
        start: { dateTime: "2026-12-01T10:00:00+01:00" },
      }),
    ]);
    w.clock.advance(3 * 86_400_000);
    const reads = w.calendar.callCount("getEvent");
    expect(await w.poller.poll(CUSTOMER)).toBe(0);
    expect(w.calendar.callCount("getEvent")).toBe(reads);
  });

  test("writes made through our own gateway are marked origin this_server", async () => {
    const w = await setUp();
    await w.poller.start(CUSTOMER);
    const booked = await w.ours.insertEvent(
      w.token,
      "primary",
      { summary: "Ours", start: w.at("04", 9), end: w.at("04", 10) },
      {},
    );
    await w.insert("Theirs", "05");
    await w.poller.poll(CUSTOMER);
    const changes = w.reported()[0] ?? [];
    expect(changes.map((c) => [c.summary, c.origin])).toEqual([
      ["Ours", "this_server"],
      ["Theirs", undefined],
    ]);
    await w.ours.deleteEvent(w.token, "primary", booked.id, {});
    await w.poller.poll(CUSTOMER);
    expect(w.reported()[1]).toEqual([
      expect.objectContaining({ change: "cancelled", eventId: booked.id, origin: "this_server" }),
    ]);
  });

  test("pollAll goes on past a customer that fails, and stop forgets the calendar", async () => {
    const w = await setUp();
    await w.poller.start(CUSTOMER);
    await w.insert("Later", "06");
    const failures: string[] = [];
    w.calendar.failNext("listEvents", new DomainError("google_unavailable", "down"));
    await w.poller.pollAll((id, error) => failures.push(`${id}:${(error as { code: string }).code}`));
    expect(failures).toEqual([`${CUSTOMER}:google_unavailable`]);
    await w.poller.pollAll(() => undefined);
    expect(w.reported()).toHaveLength(1);
    await w.poller.stop(CUSTOMER);
    expect(await w.poller.poll(CUSTOMER)).toBe(0);
  });
});
