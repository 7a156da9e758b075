import { moveBenchProcess } from "./cpu-pinning.ts";
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
/**
 * The paths a turn can take: the three variants, and the direct calls made from the emulator's
 * own core (the floor until 2026-12-07, kept as a figure to compare with earlier runs).
 */
type Lane = Variant | "direct_beside_emulator";
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
  /**
   * At the fixed rate, the direct calls made from the emulator's core instead of the server's,
   * and our p50/p99 minus theirs: the floor and the added figures as measured until 2026-12-07,
   * when none of the floor's Google calls crossed between cores (see moveBenchProcess).
   */
  besideEmulator: { direct: RunFigures; oursAddedMs: { p50: number; p99: number } };
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
/** The open loop's lanes: the variants and the old floor. */
const FIXED_RATE_LANES: readonly Lane[] = [...VARIANTS, "direct_beside_emulator"];
/**
 * Where the load generator runs during each lane's turns. A server's Google calls cross from its
 * core to the emulator's; the direct caller makes the same crossing from the server's core (idle
 * during the direct turns). The callers of ours and naive stand beside the emulator, as before:
 * their hop to the server is one the server adds.
 */
const CALLER_CORE: Record<Lane, "server" | "others"> = {
  direct: "server",
  direct_beside_emulator: "others",
  ours: "others",
  naive: "others",
};
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
  const pids: Record<Lane, number> = {
    direct: process.pid,
    direct_beside_emulator: process.pid,
    ours: ours.process.pid,
    naive: naive.process.pid,
  };
  const direct = directCaller(stack.emulator.url);
  const callers: Record<Lane, Caller> = {
    direct,
    direct_beside_emulator: direct,
    ours: mcpCaller(ours.mcp),
    naive: mcpCaller(naive.mcp),
  };

  const bookingCall = async (caller: Caller, variant: Lane, label: string) => {
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
   * The lanes take turns, `rounds` times, so a disturbance on this shared machine (another
   * process waking up) falls on all of them alike rather than on whichever ran at that moment.
   */
  const inRounds = async <L extends Lane>(
    lanes: readonly L[],
    total: number,
    run: (lane: L, count: number, offset: number) => Promise<LoadResult>,
  ): Promise<(lane: L) => RunFigures> => {
    const parts = new Map<L, { results: LoadResult[]; cpuMs: number; emulatorCpuMs: number }>();
    const share = Math.ceil(total / sizes.rounds);
    try {
      for (let round = 0; round < sizes.rounds; round += 1) {
        for (const lane of lanes) {
          const part = parts.get(lane) ?? { results: [], cpuMs: 0, emulatorCpuMs: 0 };
          moveBenchProcess(CALLER_CORE[lane]);
          const [cpu, emulatorCpu] = [cpuMsOf(pids[lane]), cpuMsOf(stack.emulator.pid)];
          part.results.push(await run(lane, share, round * share));
          part.cpuMs += cpuMsOf(pids[lane]) - cpu;
          part.emulatorCpuMs += cpuMsOf(stack.emulator.pid) - emulatorCpu;
          parts.set(lane, part);
        }
      }
    } finally {
      moveBenchProcess("others");
    }
    return (lane) => {
      const part = parts.get(lane) ?? { results: [], cpuMs: 0, emulatorCpuMs: 0 };
      return figures(part.results, part.cpuMs, part.emulatorCpuMs);
    };
  };
  const byVariant = (figuresOf: (lane: Variant) => RunFigures): Record<Variant, RunFigures> => ({
    direct: figuresOf("direct"),
    ours: figuresOf("ours"),
    naive: figuresOf("naive"),
  });

  const tools = {} as Record<BenchedTool, ToolFigures>;
  for (const tool of ["list_events", "create_booking"] as const) {
    const make = (lane: Lane, label: string) =>
      tool === "list_events"
        ? Promise.resolve(listCall(callers[lane]))
        : bookingCall(callers[lane], lane, label);
    const fixedCalls = {} as Record<Lane, Call>;
    const saturatedCalls = {} as Record<Variant, Call>;
    for (const lane of FIXED_RATE_LANES) {
      fixedCalls[lane] = await make(lane, "fixed");
      await saturate(4, sizes.warmupCalls, await make(lane, "warmup"));
    }
    for (const variant of VARIANTS) saturatedCalls[variant] = await make(variant, "sat");
    const fixedOf = await inRounds(FIXED_RATE_LANES, sizes.fixedRateCalls, (lane, count, offset) =>
      fixedRate(sizes.rate, count, (index) => fixedCalls[lane](index + offset)),
    );
    const fixed = byVariant(fixedOf);
    const beside = fixedOf("direct_beside_emulator");
    const saturated = byVariant(
      await inRounds(VARIANTS, sizes.saturationCalls, (lane, count, offset) =>
        saturate(sizes.concurrency, count, (index) => saturatedCalls[lane](index + offset)),
      ),
    );
    // After the timed runs, on indices none of them used (each booking needs a slot of its own).
    const traceFrom = sizes.rounds * Math.ceil(sizes.saturationCalls / sizes.rounds);
    const sendsOf = (variant: "ours" | "naive") =>
      socketSendsPerCall(pids[variant], TRACED_CALLS, () =>
        saturate(4, TRACED_CALLS, (index) => saturatedCalls[variant](traceFrom + index)),
      );
    const socketSends = { ours: await sendsOf("ours"), naive: await sendsOf("naive") };
    for (const variant of VARIANTS) {
      log(`  ${tool} ${variant} at ${sizes.rate}/s: ${describe(fixed[variant])}`);
    }
    log(`  ${tool} direct beside the emulator at ${sizes.rate}/s: ${describe(beside)}`);
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
      besideEmulator: { direct: beside, oursAddedMs: added(fixed.ours, beside) },
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
