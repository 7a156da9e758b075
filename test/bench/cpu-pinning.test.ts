import { afterAll, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const REPO_ROOT = path.resolve(import.meta.dir, "../..");
const pinnable = os.availableParallelism() >= 2 && Bun.which("taskset") !== null;

/**
 * Section 1's direct caller makes its Google calls from the server's core (moveBenchProcess), so
 * the floor crosses between cores as the server's calls do. Run in a child process: the move
 * changes the affinity of the process that makes it, every thread of it.
 */
describe.if(pinnable)("moveBenchProcess", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cpu-pinning-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("moves every thread of the load generator onto the server's core and back", async () => {
    const script = path.join(dir, "move.ts");
    fs.writeFileSync(
      script,
      `import { moveBenchProcess, pinBenchProcesses } from ${JSON.stringify(path.join(REPO_ROOT, "bench/cpu-pinning.ts"))};
import * as fs from "node:fs";
// Every thread's allowed CPUs, distinct values only.
const allowed = () => [...new Set(fs.readdirSync("/proc/self/task").map((task) =>
  /Cpus_allowed_list:\\s*(\\S+)/.exec(fs.readFileSync(\`/proc/self/task/\${task}/status\`, "utf8"))?.[1]))];
await fetch("http://127.0.0.1:1").catch(() => null); // start Bun's HTTP client thread too
const plan = pinBenchProcesses(true);
const pinned = allowed();
moveBenchProcess("server");
const onServer = allowed();
moveBenchProcess("others");
console.log(JSON.stringify({ plan, pinned, onServer, back: allowed() }));
`,
    );
    const child = Bun.spawn([process.execPath, script], { stdout: "pipe", stderr: "pipe" });
    const [code, stdout, stderr] = await Promise.all([
      child.exited,
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const seen = JSON.parse(stdout) as {
      plan: { server: string; others: string };
      pinned: string[];
      onServer: string[];
      back: string[];
    };
    expect(seen.plan.server).toBe("0");
    expect(seen.pinned).toEqual([seen.plan.others]);
    expect(seen.onServer).toEqual(["0"]);
    expect(seen.back).toEqual([seen.plan.others]);
  });
});
