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

  test("sameSecret compares whole strings", () => {
    expect(sameSecret("abc", "abc")).toBe(true);
    expect(sameSecret("abc", "abd")).toBe(false);
    expect(sameSecret("abc", "ab")).toBe(false);
    expect(sameSecret("", "")).toBe(true);
  });
});
