import * as os from "node:os";

/**
 * Where each benchmark process runs. On a machine with two or more cores the server under test
 * gets core 0 to itself and everything else (the load generator, the Google emulator) shares the
 * others, through Linux's `taskset`. In production Google and the AI backend are other machines:
 * without this, on a small machine the load generator and the emulator take CPU from the server
 * under test, and a throughput figure measures how the three share the machine rather than what
 * the server sustains. `bun run bench --no-pin` measures unpinned.
 */
export interface CpuPlan {
  /** taskset CPU lists, or null when processes are not pinned. */
  server: string | null;
  others: string | null;
}

const UNPINNED: CpuPlan = { server: null, others: null };
let plan: CpuPlan = UNPINNED;

/** Decide the plan and move this process (the load generator) onto the others' cores. */
export function pinBenchProcesses(wanted: boolean): CpuPlan {
  const cores = os.availableParallelism();
  if (!wanted || cores < 2 || Bun.which("taskset") === null) {
    plan = UNPINNED;
    return plan;
  }
  const next: CpuPlan = { server: "0", others: cores === 2 ? "1" : `1-${cores - 1}` };
  plan = moveThisProcess(next.others ?? "") ? next : UNPINNED;
  return plan;
}

/**
 * Move this process (the load generator, every thread of it) onto the server's cores or back onto
 * the others'. Section 1's direct caller stands where the server stands while it makes its Google
 * calls: from the emulator's own core they would skip the crossing between cores that every one
 * of the server's Google calls makes, and the floor would be lower than any server could reach.
 * Nothing happens when processes are not pinned.
 */
export function moveBenchProcess(role: "server" | "others"): void {
  const cpus = coresOf(role);
  if (cpus !== null && !moveThisProcess(cpus)) {
    throw new Error(`taskset could not move the load generator to CPU ${cpus}`);
  }
}

/** `command` prefixed to run on the server's cores (`server`) or on the others'. */
export function onCores(role: "server" | "others", command: string[]): string[] {
  const cpus = coresOf(role);
  return cpus === null ? command : ["taskset", "-c", cpus, ...command];
}

function coresOf(role: "server" | "others"): string | null {
  return role === "server" ? plan.server : plan.others;
}

/** `taskset -a`: every thread of this process onto `cpus`; false when taskset failed. */
function moveThisProcess(cpus: string): boolean {
  const moved = Bun.spawnSync(["taskset", "-a", "-cp", cpus, String(process.pid)], {
    stdout: "ignore",
    stderr: "ignore",
  });
  return moved.exitCode === 0;
}

export function describeCpuPlan(current: CpuPlan): string {
  return current.server === null
    ? "not pinned (the server under test shares every core with the load generator and the emulator)"
    : `server under test on CPU ${current.server}; load generator and Google emulator on CPU ${current.others}`;
}
