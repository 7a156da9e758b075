import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { compileOutputPrecheck } from "../../../src/adapters/mcp/output-precheck.ts";
import type { eventOutput } from "../../../src/adapters/mcp/tools/calendar-views.ts";
import { listEvents } from "../../../src/adapters/mcp/tools/event-reading-tools.ts";
import { TOOLS } from "../../../src/adapters/mcp/tools/tool-catalog.ts";

/**
 * The precheck may only ever say "valid" where zod says so too (a refusal just hands the value to
 * zod). Checked on a page of events and on every one-place change of it: each value swapped for
 * other types and odd values, each key removed, and unknown keys added.
 */

function event(index: number): z.infer<typeof eventOutput> {
  return {
    event_id: `evt${index}`,
    calendar_id: "primary",
    status: "confirmed",
    summary: `Meeting ${index}`,
    description: null,
    location: "Room 1",
    start: { date_time: "2026-12-01T10:00:00+01:00", time_zone: "Europe/Paris" },
    end: { date: "2026-12-02" },
    html_link: null,
    meet_link: "https://meet.google.com/abc-defg-hij",
    attendees: [
      { email: "a@example.com", display_name: "A", response_status: "accepted", self: true },
      { email: "b@example.com", response_status: "needsAction", optional: false, organizer: true },
    ],
    organizer_email: "b@example.com",
    recurring_event_id: null,
    recurrence: ["RRULE:FREQ=WEEKLY"],
    transparency: "opaque",
    created: "2026-11-01T00:00:00.000Z",
    updated: null,
  };
}

const PAGE = { events: [event(0), event(1)], next_page_token: null };
const ODD_VALUES: unknown[] = [
  undefined,
  null,
  0,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  "",
  "postponed",
  true,
  [],
  {},
  { unexpected: 1 },
  [1],
];

/** Every value reachable in `value`, as the path to it. */
function paths(value: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof value !== "object" || value === null) return [at];
  const keys = Array.isArray(value) ? value.map((_, index) => index) : Object.keys(value);
  return [at, ...keys.flatMap((key) => paths((value as Record<string, unknown>)[key], [...at, key]))];
}

/** A deep copy of `root` with `change` applied to the container of the value at `path`. */
function changed(
  root: unknown,
  path: Array<string | number>,
  change: (parent: Record<string | number, unknown>, key: string | number) => void,
): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1);
  if (last !== undefined) change(parent, last);
  return copy;
}

function variants(root: unknown): unknown[] {
  const out: unknown[] = [root];
  for (const path of paths(root)) {
    if (path.length === 0) continue;
    for (const odd of ODD_VALUES) out.push(changed(root, path, (parent, key) => (parent[key] = odd)));
    out.push(changed(root, path, (parent, key) => delete parent[key]));
    out.push(changed(root, path.slice(0, -1).concat("extra"), (parent, key) => (parent[key] = "x")));
  }
  return out;
}

describe("output precheck", () => {
  test("never accepts what zod refuses, over every one-place change of a page of events", () => {
    const precheck = compileOutputPrecheck(listEvents.output);
    if (precheck === null) throw new Error("list_events should have a precheck");
    const samples = variants(PAGE);
    let accepted = 0;
    let refusedByZod = 0;
    for (const sample of samples) {
      const zodAccepts = listEvents.output.safeParse(sample).success;
      if (!zodAccepts) refusedByZod += 1;
      if (precheck(sample)) {
        accepted += 1;
        expect({ sample, zodAccepts }).toEqual({ sample, zodAccepts: true });
      }
    }
    // Both outcomes were exercised: the page itself and its harmless changes pass, broken ones fail.
    expect(precheck(PAGE)).toBe(true);
    expect(accepted).toBeGreaterThan(10);
    expect(refusedByZod).toBeGreaterThan(100);
  });

  test("unknown keys are refused by the precheck and left to zod, which strips them", () => {
    const precheck = compileOutputPrecheck(listEvents.output);
    const withExtra = { ...PAGE, extra: true };
    expect(precheck?.(withExtra)).toBe(false);
    expect(listEvents.output.safeParse(withExtra).success).toBe(true);
  });

  test("schemas JSON Schema cannot state exactly get no precheck", () => {
    expect(compileOutputPrecheck(z.object({ count: z.number() }))).toBeNull();
    expect(compileOutputPrecheck(z.object({ id: z.string().min(1) }))).toBeNull();
    expect(compileOutputPrecheck(z.object({ id: z.string().refine((id) => id !== "x") }))).toBeNull();
    expect(compileOutputPrecheck(z.object({ at: z.string() }).catchall(z.number()))).toBeNull();
    expect(compileOutputPrecheck(z.object({ when: z.date() }))).toBeNull();
    expect(compileOutputPrecheck(z.object({ id: z.string().transform((id) => id.length) }))).toBeNull();
    expect(
      compileOutputPrecheck(z.object({ ok: z.literal(true), note: z.string().optional() })),
    ).not.toBeNull();
  });

  test("every tool's output schema either has a sound precheck or none", () => {
    for (const tool of TOOLS) {
      const precheck = compileOutputPrecheck(tool.output);
      if (precheck === null) continue;
      // An empty object passes only where zod agrees (no tool's answer is empty).
      expect(precheck({})).toBe(tool.output.safeParse({}).success);
    }
    expect(compileOutputPrecheck(listEvents.output)).not.toBeNull();
  });
});
