import { describe, expect, test } from "bun:test";
import { applyChanges, diffFullListing, sameSecret } from "../../src/domain/changes/event-diff.ts";
import type { ObservedEvent } from "../../src/domain/ports/calendar-watch.ts";

const event = (id: string, updated: string, overrides: Partial<ObservedEvent> = {}): ObservedEvent => ({
  id,
  status: "confirmed",
  summary: `Event ${id}`,
  start: { date: "2026-03-10" },
  end: { date: "2026-03-11" },
  updated,
  ...overrides,
});
const stub = (id: string, updated: string | null = null): ObservedEvent => ({
  id,
  status: "cancelled",
  summary: null,
  start: null,
  end: null,
  updated,
});

describe("event diff", () => {
  test("incremental changes: created, updated, cancelled (with what was known), repeats and unknown stubs ignored", () => {
    const seen = { a: event("a", "t1"), b: event("b", "t1") };
    const diff = applyChanges(seen, [
      event("a", "t2"),
      event("b", "t1"),
      event("c", "t1"),
      stub("b", "t3"),
      stub("zz"),
    ]);
    expect(diff.changes.map((c) => [c.change, c.event.id, c.event.summary, c.event.updated])).toEqual([
      ["updated", "a", "Event a", "t2"],
      ["created", "c", "Event c", "t1"],
      ["cancelled", "b", "Event b", "t3"],
    ]);
    expect(Object.keys(diff.seen).sort()).toEqual(["a", "c"]);
    // The same batch again (a notification handled twice) reports nothing.
    expect(applyChanges(diff.seen, [event("a", "t2"), event("c", "t1"), stub("b", "t3")]).changes).toEqual(
      [],
    );
  });

  test("a full listing after a 410: new, changed and vanished events, each once, nothing for the unchanged", () => {
    const seen = { kept: event("kept", "t1"), moved: event("moved", "t1"), gone: event("gone", "t1") };
    const diff = diffFullListing(seen, [event("kept", "t1"), event("moved", "t2"), event("new", "t2")]);
    expect(diff.changes.map((c) => [c.change, c.event.id])).toEqual([
      ["updated", "moved"],
      ["created", "new"],
      ["cancelled", "gone"],
    ]);
    expect(
      diffFullListing(diff.seen, [event("kept", "t1"), event("moved", "t2"), event("new", "t2")]).changes,
    ).toEqual([]);
  });

  test("one occurrence of a followed series moved or cancelled is an update or a cancellation, reported once", () => {
    const seen = { series1: event("series1", "t1", { summary: "Weekly" }) };
    const moved = event("series1_20260317T090000Z", "t2", { summary: "Weekly" });
    const cancelledStub = stub("series1_20260324T090000Z", "t3");
    const diff = applyChanges(seen, [moved, cancelledStub]);
    expect(diff.changes.map((c) => [c.change, c.event.id, c.event.summary])).toEqual([
      ["updated", "series1_20260317T090000Z", "Weekly"],
      ["cancelled", "series1_20260324T090000Z", "Weekly"],
    ]);
    expect(applyChanges(diff.seen, [moved, cancelledStub]).changes).toEqual([]);
    // A full listing that shows the series and the cancelled occurrence's stub changes nothing.
    expect(diffFullListing(diff.seen, [seen.series1, moved, cancelledStub]).changes).toEqual([]);
  });

  test("sameSecret compares whole strings", () => {
    expect(sameSecret("abc", "abc")).toBe(true);
    expect(sameSecret("abc", "abd")).toBe(false);
    expect(sameSecret("abc", "ab")).toBe(false);
    expect(sameSecret("", "")).toBe(true);
  });
});
