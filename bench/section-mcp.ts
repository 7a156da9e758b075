import { type Call, fixedRate, type LoadResult, saturate } from "./load.ts";
import { type Caller, directCaller, mcpCaller, type Slot, seedEvents, slotAt } from "./mcp-callers.ts";
import { cpuMsOf } from "./processes.ts";
import type { SeededCustomer } from "./seed.ts";
import { socketSendsPerCall } from "./socket-sends.ts";
import type { Stack } from "./stack.ts";
import { type LatencySummary, ratio, round, summarize } from "./stats.ts";

/** Section 1: what /mcp adds to the Google calls a tool makes, and what it sustains. */

export interface McpSizes {
  /** Turns each variant takes at each load; the calls below are split among them. */
  rounds: number;
  rate: number;
  fixedRateCalls: number;
  concurrency: number;
  saturationCalls: number;
  warmupCalls: number;
  /** Customers a run's bookings are spread over (each books its own non-overlapping slots). */
  bookingCustomers: number;
  readerCustomers: number;
  eventsPerReader: number;
}

export type Variant = "direct" | "ours" | "naive";
export type BenchedTool = "list_events" | "create_booking";

export interface RunFigures extends LatencySummary {
  throughput: number;
  errors: number;
  /**
   * CPU time per call of the process doing the work between client and Google: the server's
   * for ours and naive, the load generator's own (the Google client) for direct. Linux counts
   * in 10 ms ticks, so this is only meaningful over a few hundred calls.
   */
  cpuMsPerCall: number;
  /** The emulator's CPU time per call (the same Google work in every variant). */
  emulatorCpuMsPerCall: number;
}

export interface ToolFigures {
  fixedRate: Record<Variant, RunFigures>;
  saturation: Record<Variant, RunFigures>;
  /** At the fixed rate: our p50/p99 minus direct's (ms), and the naive server's. */
  addedMs: Record<"ours" | "naive", { p50: number; p99: number }>;
  /** At saturation: throughput ratios. */
  throughputRatio: { oursToDirect: number; naiveToDirect: number; oursToNaive: number };
  /**
   * Socket sends per call of each server (its Google requests and its answer), counted with
   * strace over a short untimed run; null without strace.
   */
  socketSendsPerCall: Record<"ours" | "naive", number | null>;
}

export interface McpSection {
  sizes: McpSizes;
  tools: Record<BenchedTool, ToolFigures>;
  targets: Array<{ name: string; value: number; limit: string; met: boolean }>;
}

const VARIANTS: readonly Variant[] = ["direct", "ours", "naive"];
/** Calls made under strace to count each server's socket sends. */
const TRACED_CALLS = 100;
const DAY = 86_400_000;

export async function benchMcp(
  stack: Stack,
  sizes: McpSizes,
  log: (line: string) => void,
): Promise<McpSection> {
  const day = Math.floor(Date.now() / DAY) * DAY + 30 * DAY;
  const window: Slot = { start: new Date(day).toISOString(), end: new Date(day + DAY).toISOString() };
  const readers = await stack.connect(range(sizes.readerCustomers, (k) => `rd-${k}`));
  await seedEvents(stack.emulator.url, readers, window, sizes.eventsPerReader);

  const ours = await stack.start("ours");
  const naive = await stack.start("naive");
  const pids: Record<Variant, number> = {
    direct: process.pid,
    ours: ours.process.pid,
    naive: naive.process.pid,
  };
  const callers: Record<Variant, Caller> = {
    direct: directCaller(stack.emulator.url),
    ours: mcpCaller(ours.mcp),
    naive: mcpCaller(naive.mcp),
  };

  const bookingCall = async (caller: Caller, variant: Variant, label: string) => {
    const customers = await stack.connect(
      range(sizes.bookingCustomers, (k) => `bk-${variant}-${label}-${k}`),
    );
    const from = day + 2 * DAY;
    return (index: number): Promise<boolean> => {
      const customer = customers[index % customers.length] as SeededCustomer;
      const slot = slotAt(from, Math.floor(index / customers.length));
      return caller.createBooking(customer, slot, `${variant}-${label}-${index}`);
    };
  };
  const listCall =
    (caller: Caller) =>
    (index: number): Promise<boolean> =>
      caller.listEvents(readers[index % readers.length] as SeededCustomer, window);

  /**
   * The variants take turns, `rounds` times, so a disturbance on this shared machine (another
   * process waking up) falls on all of them alike rather than on whichever ran at that moment.
   */
  const inRounds = async (
    total: number,
    run: (variant: Variant, count: number, offset: number) => Promise<LoadResult>,
  ): Promise<Record<Variant, RunFigures>> => {
    const parts = new Map<Variant, { results: LoadResult[]; cpuMs: number; emulatorCpuMs: number }>();
    const share = Math.ceil(total / sizes.rounds);
    for (let round = 0; round < sizes.rounds; round += 1) {
      for (const variant of VARIANTS) {
        const part = parts.get(variant) ?? { results: [], cpuMs: 0, emulatorCpuMs: 0 };
        const [cpu, emulatorCpu] = [cpuMsOf(pids[variant]), cpuMsOf(stack.emulator.pid)];
        part.results.push(await run(variant, share, round * share));
        part.cpuMs += cpuMsOf(pids[variant]) - cpu;
        part.emulatorCpuMs += cpuMsOf(stack.emulator.pid) - emulatorCpu;
        parts.set(variant, part);
      }
    }
    const figuresOf = (variant: Variant): RunFigures => {
      const part = parts.get(variant) ?? { results: [], cpuMs: 0, emulatorCpuMs: 0 };
      return figures(part.results, part.cpuMs, part.emulatorCpuMs);
    };
    return { direct: figuresOf("direct"), ours: figuresOf("ours"), naive: figuresOf("naive") };
  };

  const tools = {} as Record<BenchedTool, ToolFigures>;
  for (const tool of ["list_events", "create_booking"] as const) {
    const calls = {} as Record<Variant, { fixed: Call; saturated: Call }>;
    for (const variant of VARIANTS) {
      const caller = callers[variant];
      const make = (label: string) =>
        tool === "list_events" ? Promise.resolve(listCall(caller)) : bookingCall(caller, variant, label);
      calls[variant] = { fixed: await make("fixed"), saturated: await make("sat") };
      await saturate(4, sizes.warmupCalls, await make("warmup"));
    }
    const fixed = await inRounds(sizes.fixedRateCalls, (variant, count, offset) =>
      fixedRate(sizes.rate, count, (index) => calls[variant].fixed(index + offset)),
    );
    const saturated = await inRounds(sizes.saturationCalls, (variant, count, offset) =>
      saturate(sizes.concurrency, count, (index) => calls[variant].saturated(index + offset)),
    );
    // After the timed runs, on indices none of them used (each booking needs a slot of its own).
    const traceFrom = sizes.rounds * Math.ceil(sizes.saturationCalls / sizes.rounds);
    const sendsOf = (variant: "ours" | "naive") =>
      socketSendsPerCall(pids[variant], TRACED_CALLS, () =>
        saturate(4, TRACED_CALLS, (index) => calls[variant].saturated(traceFrom + index)),
      );
    const socketSends = { ours: await sendsOf("ours"), naive: await sendsOf("naive") };
    for (const variant of VARIANTS) {
      log(`  ${tool} ${variant} at ${sizes.rate}/s: ${describe(fixed[variant])}`);
    }
    for (const variant of VARIANTS) {
      log(`  ${tool} ${variant} x${sizes.concurrency}: ${describe(saturated[variant])}`);
    }
    log(
      `  ${tool} socket sends per call: ours ${socketSends.ours ?? "n/a"}, naive ${socketSends.naive ?? "n/a"}`,
    );
    tools[tool] = {
      fixedRate: fixed,
      saturation: saturated,
      addedMs: {
        ours: added(fixed.ours, fixed.direct),
        naive: added(fixed.naive, fixed.direct),
      },
      throughputRatio: {
        oursToDirect: ratio(saturated.ours.throughput, saturated.direct.throughput),
        naiveToDirect: ratio(saturated.naive.throughput, saturated.direct.throughput),
        oursToNaive: ratio(saturated.ours.throughput, saturated.naive.throughput),
      },
      socketSendsPerCall: socketSends,
    };
  }
  await ours.process.stop();
  await naive.process.stop();
  return { sizes, tools, targets: targetsOf(tools, sizes.rate) };
}

function targetsOf(tools: Record<BenchedTool, ToolFigures>, rate: number): McpSection["targets"] {
  return (["list_events", "create_booking"] as const).flatMap((tool) => {
    const { addedMs, throughputRatio } = tools[tool];
    return [
      target(`${tool}: added p50 at ${rate}/s (ms)`, addedMs.ours.p50, "<= 1", addedMs.ours.p50 <= 1),
      target(`${tool}: added p99 at ${rate}/s (ms)`, addedMs.ours.p99, "<= 5", addedMs.ours.p99 <= 5),
      target(
        `${tool}: throughput ours / naive`,
        throughputRatio.oursToNaive,
        ">= 2",
        throughputRatio.oursToNaive >= 2,
      ),
    ];
  });
}

function target(name: string, value: number, limit: string, met: boolean) {
  return { name, value, limit, met };
}

/** One variant's rounds as one run: all latencies, all calls over all the time they took. */
function figures(results: LoadResult[], cpuMs: number, emulatorCpuMs: number): RunFigures {
  const completed = results.reduce((sum, result) => sum + result.completed, 0);
  const elapsedMs = results.reduce((sum, result) => sum + result.elapsedMs, 0);
  return {
    ...summarize(results.flatMap((result) => result.latenciesMs)),
    throughput: round((completed * 1000) / elapsedMs, 1),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    cpuMsPerCall: round(cpuMs / completed),
    emulatorCpuMsPerCall: round(emulatorCpuMs / completed),
  };
}

function added(run: RunFigures, floor: RunFigures): { p50: number; p99: number } {
  return { p50: round(run.p50 - floor.p50), p99: round(run.p99 - floor.p99) };
}

function describe(run: RunFigures): string {
  return `p50 ${run.p50} ms, p99 ${run.p99} ms, ${run.throughput}/s, ${run.errors} errors, cpu ${run.cpuMsPerCall} ms/call`;
}

export function range<T>(count: number, make: (index: number) => T): T[] {
  return Array.from({ length: count }, (_, index) => make(index));
}
