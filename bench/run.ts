import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type CpuPlan, describeCpuPlan, pinBenchProcesses } from "./cpu-pinning.ts";
import {
  googleCallsTable,
  mcpTables,
  memoryTable,
  refreshTable,
  type Target,
  targetsTable,
  vaultTable,
} from "./report.ts";
import {
  benchChangeTracking,
  type ChangeTrackingSection,
  type ChangeTrackingSizes,
  changeTrackingTable,
} from "./section-change-tracking.ts";
import { benchGoogleCalls, type GoogleCallsSection } from "./section-google-calls.ts";
import { benchMcp, type McpSection, type McpSizes } from "./section-mcp.ts";
import { benchMemory, type MemorySection, type MemorySizes } from "./section-memory.ts";
import { benchRefreshStorm, type RefreshSection, type RefreshSizes } from "./section-refresh.ts";
import { benchVaults, type VaultSection, type VaultSizes } from "./section-vault.ts";
import { startStack } from "./stack.ts";
import { googleCallTargets, mcpTargets, memoryTargets, refreshTargets, vaultTargets } from "./targets.ts";

/**
 * `bun run bench [--quick] [--no-pin] [--out DIR]`: the performance figures of docs/performance.md. Every
 * figure is a ratio or a count against a baseline measured in the same run, on loopback, with
 * the project's Google emulator. Prints the tables and writes them as JSON to
 * bench/results/<timestamp>.json (or DIR). `--quick` runs tiny sizes in well under a minute (the
 * smoke test); the full run fits in about ten minutes on a 2-core machine.
 */

export interface BenchResult {
  mode: "quick" | "full";
  startedAt: string;
  durationMs: number;
  command: string;
  machine: { nproc: number; memoryGiB: number; cpu: string; bun: string; kernel: string };
  /** Which cores the server under test, the emulator and the load generator ran on. */
  cpus: CpuPlan;
  sections: {
    googleCalls: GoogleCallsSection;
    mcp: McpSection;
    refreshStorm: RefreshSection;
    vaultScale: VaultSection;
    memory: MemorySection;
    changeTracking: ChangeTrackingSection;
  };
  targets: Target[];
}

interface Sizes {
  mcp: McpSizes;
  refresh: RefreshSizes;
  vault: Omit<VaultSizes, "deadline">;
  memory: MemorySizes;
  changes: ChangeTrackingSizes;
  /** The whole run's budget, ms: section 3 skips store sizes that would not fit. */
  budgetMs: number;
}

const QUICK: Sizes = {
  mcp: {
    rounds: 1,
    rate: 200,
    fixedRateCalls: 200,
    concurrency: 32,
    saturationCalls: 200,
    warmupCalls: 50,
    bookingCustomers: 10,
    readerCustomers: 5,
    eventsPerReader: 10,
  },
  refresh: { oneCustomerCalls: 50, customers: 20, callsPerCustomer: 10 },
  vault: {
    sizes: { sqlite: [200, 1000], encrypted_file: [200, 1000], postgres: [200, 1000] },
    starts: 1,
    gets: 50,
    puts: 10,
  },
  memory: { events: 60, descriptionBytes: 8192, concurrentCalls: 8 },
  changes: { changes: 5, eventsInWindow: 20, changesPerDay: [20], pollSeconds: [60] },
  budgetMs: 120_000,
};

const FULL: Sizes = {
  mcp: {
    rounds: 5,
    rate: 200,
    fixedRateCalls: 3000,
    concurrency: 32,
    saturationCalls: 3000,
    warmupCalls: 300,
    bookingCustomers: 40,
    readerCustomers: 20,
    eventsPerReader: 10,
  },
  refresh: { oneCustomerCalls: 500, customers: 1000, callsPerCustomer: 10 },
  vault: {
    sizes: {
      sqlite: [10_000, 100_000, 1_000_000],
      encrypted_file: [10_000, 100_000, 1_000_000],
      postgres: [10_000, 100_000],
    },
    starts: 5,
    gets: 2000,
    puts: 200,
  },
  // Issue 10's report: 600 events with 8 KB descriptions, 40 concurrent calls.
  memory: { events: 600, descriptionBytes: 8192, concurrentCalls: 40 },
  changes: { changes: 40, eventsInWindow: 300, changesPerDay: [5, 50, 500], pollSeconds: [60, 300, 900] },
  budgetMs: 570_000,
};

export async function runBench(options: {
  quick: boolean;
  /** Give the server under test a core of its own (see cpu-pinning.ts); moves this process. */
  pin?: boolean;
  log?: (line: string) => void;
}): Promise<BenchResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const sizes = options.quick ? QUICK : FULL;
  const started = Date.now();
  const cpus = pinBenchProcesses(options.pin === true);
  log(`cpus: ${describeCpuPlan(cpus)}`);
  const stack = await startStack();
  let googleCalls: GoogleCallsSection;
  let mcp: McpSection;
  let refreshStorm: RefreshSection;
  let memory: MemorySection;
  try {
    log("4. Google calls per tool call");
    googleCalls = await benchGoogleCalls(stack, log);
    log("1. /mcp added latency and throughput");
    mcp = await benchMcp(stack, sizes.mcp, log);
    log("2. Refresh storm");
    refreshStorm = await benchRefreshStorm(stack, sizes.refresh, log);
    log("5. Memory under large answers");
    memory = await benchMemory(stack, sizes.memory, log);
  } finally {
    await stack.stop();
  }
  log("3. Vault scale");
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mcp-calendar-bench-vault-"));
  let vaultScale: VaultSection;
  try {
    vaultScale = await benchVaults(scratch, { ...sizes.vault, deadline: started + sizes.budgetMs }, log);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  log("6. Following calendar changes: push against polling");
  const changeTracking = await benchChangeTracking(sizes.changes, log);
  return {
    mode: options.quick ? "quick" : "full",
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    command: `bun run bench${options.quick ? " --quick" : ""}`,
    machine: {
      nproc: os.availableParallelism(),
      memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
      cpu: os.cpus()[0]?.model ?? "unknown",
      bun: Bun.version,
      kernel: `${os.type()} ${os.release()}`,
    },
    cpus,
    sections: { googleCalls, mcp, refreshStorm, vaultScale, memory, changeTracking },
    targets: [
      ...mcpTargets(mcp),
      ...refreshTargets(refreshStorm),
      ...vaultTargets(vaultScale),
      ...googleCallTargets(googleCalls),
      ...memoryTargets(memory),
    ],
  };
}

export function render(result: BenchResult): string {
  const { machine, sections } = result;
  return [
    `mcp-calendar-server benchmark (${result.mode}), ${result.startedAt}, ${Math.round(result.durationMs / 1000)} s`,
    `machine: ${machine.nproc} cores (${machine.cpu}), ${machine.memoryGiB} GiB, bun ${machine.bun}, ${machine.kernel}`,
    `cpus: ${describeCpuPlan(result.cpus)}`,
    "",
    "1. /mcp: our server and the naive one against the same Google calls made directly",
    mcpTables(sections.mcp),
    "",
    "2. Refresh storm (list_events; expired tokens vs the same burst with fresh tokens)",
    refreshTable(sections.refreshStorm),
    "",
    "3. Token store scale (start and RSS ratios against the store's smallest size)",
    vaultTable(sections.vaultScale),
    "",
    "4. Google requests per tool call (counted at the emulator)",
    googleCallsTable(sections.googleCalls),
    "",
    "5. Memory under large answers (peak RSS against the same server idle)",
    memoryTable(sections.memory),
    "",
    "6. Google requests per connected customer per day, following calendar changes",
    changeTrackingTable(sections.changeTracking),
    "",
    "Targets",
    targetsTable(result.targets),
  ].join("\n");
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const quick = args.includes("--quick");
  const outIndex = args.indexOf("--out");
  const outDir = outIndex >= 0 ? (args[outIndex + 1] ?? "") : path.join(import.meta.dir, "results");
  const result = await runBench({ quick, pin: !args.includes("--no-pin") });
  process.stdout.write(`\n${render(result)}\n`);
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${result.startedAt.replaceAll(":", "-")}.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`\nwrote ${file}\n`);
}
