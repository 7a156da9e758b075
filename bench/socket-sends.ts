import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The system calls a process sends socket data with (Bun: sendto, and sendmsg for streams). */
const SEND_CALLS = ["sendto", "sendmsg", "writev"];
const ATTACH_TIMEOUT_MS = 3000;

/**
 * Socket sends per call a server process makes while `run` makes `calls` calls to it, counted
 * with `strace -c` (attached to the running process, all its threads): its requests to Google
 * plus its answers. A small answer leaves in one send and a streamed one in two; Bun 1.4.5
 * writes a large answer completed after I/O one header fragment per send
 * (src/adapters/shared/unfragmented-body.ts).
 * strace slows the process down many times, so this is counted on a short run of its own, never
 * on a timed one. Null when strace is missing or may not attach (no ptrace permission).
 */
export async function socketSendsPerCall(
  pid: number,
  calls: number,
  run: () => Promise<unknown>,
): Promise<number | null> {
  const strace = Bun.which("strace");
  if (strace === null) return null;
  const out = path.join(os.tmpdir(), `bench-strace-${pid}-${Date.now()}.txt`);
  const tracer = Bun.spawn(
    [strace, "-f", "-c", "-e", `trace=${SEND_CALLS.join(",")}`, "-p", String(pid), "-o", out],
    { stdout: "ignore", stderr: "pipe" },
  );
  try {
    if (!(await attached(tracer.stderr))) return null;
    await run();
  } finally {
    tracer.kill("SIGINT");
    await tracer.exited;
  }
  try {
    return Math.round((countedSends(fs.readFileSync(out, "utf8")) / calls) * 100) / 100;
  } catch {
    return null;
  } finally {
    fs.rmSync(out, { force: true });
  }
}

/** strace says "Process N attached" on stderr once it traces the process. */
async function attached(stderr: ReadableStream<Uint8Array>): Promise<boolean> {
  const reader = stderr.getReader();
  const decoder = new TextDecoder();
  let seen = "";
  const deadline = Bun.sleep(ATTACH_TIMEOUT_MS).then(() => null);
  try {
    while (!seen.includes("attached")) {
      const chunk = await Promise.race([reader.read(), deadline]);
      if (chunk === null || chunk.done) return false;
      seen += decoder.decode(chunk.value, { stream: true });
    }
    return true;
  } finally {
    // Keep draining, so strace never blocks on a full pipe; the rest is not read.
    reader.releaseLock();
    stderr.pipeTo(new WritableStream()).catch(() => {});
  }
}

/** The `calls` column of strace -c's summary, summed over the send calls. */
function countedSends(summary: string): number {
  let total = 0;
  for (const line of summary.split("\n")) {
    const columns = line.trim().split(/\s+/);
    const name = columns.at(-1) ?? "";
    if (!SEND_CALLS.includes(name)) continue;
    // % time, seconds, usecs/call, calls[, errors], syscall
    total += Number(columns[3] ?? 0);
  }
  return total;
}
