import * as fs from "node:fs";
import * as path from "node:path";
import { onCores } from "./cpu-pinning.ts";
import type { BenchGrant } from "./emulator-process.ts";

/**
 * The processes a benchmark runs: the Google emulator and the server under test each get their
 * own (see docs/performance.md for why), talking over loopback like they would over a network.
 */

const REPO_ROOT = path.resolve(import.meta.dir, "..");
export const BENCH_CLIENT_ID = "bench-client.apps.googleusercontent.com";
export const BENCH_CLIENT_SECRET = "bench-client-secret";

export interface EmulatorStats {
  codeExchanges: number;
  refreshes: number;
  refreshesByEmail: Record<string, number>;
  revocations: number;
  tokenRequests: number;
  calendarCalls: Record<string, number>;
  /** Calendar MCP `tools/call` requests by Google's tool name. */
  mcpCalls: Record<string, number>;
}

export interface EmulatorProcess {
  url: string;
  pid: number;
  stats(): Promise<EmulatorStats>;
  resetCounters(): Promise<void>;
  /** Accounts with live access and refresh tokens, as a consent would leave them. */
  grants(emails: string[]): Promise<BenchGrant[]>;
  /** Expire the emulator's access tokens (every account's when `email` is absent). */
  expireTokens(email?: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startEmulatorProcess(): Promise<EmulatorProcess> {
  const child = Bun.spawn(
    onCores("others", [
      process.execPath,
      ...profilerArgs("bench/emulator-process.ts"),
      path.join(REPO_ROOT, "bench/emulator-process.ts"),
    ]),
    {
      cwd: REPO_ROOT,
      env: cleanEnv({ BENCH_CLIENT_ID, BENCH_CLIENT_SECRET }),
      stdout: "pipe",
      stderr: "inherit",
    },
  );
  const reader = child.stdout.getReader();
  const first = await reader.read();
  reader.releaseLock();
  const line = new TextDecoder().decode(first.value ?? new Uint8Array());
  const url = (JSON.parse(line.split("\n")[0] ?? "{}") as { url?: string }).url;
  if (url === undefined) throw new Error("the emulator process did not announce its URL");
  const post = async (pathname: string, body: unknown): Promise<Response> => {
    const response = await fetch(`${url}${pathname}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`emulator ${pathname} answered HTTP ${response.status}`);
    return response;
  };
  return {
    url,
    pid: child.pid,
    stats: async () => (await (await fetch(`${url}/__emulator/stats`)).json()) as EmulatorStats,
    resetCounters: async () => {
      await post("/__emulator/reset-counters", {});
    },
    grants: async (emails) => {
      const all: BenchGrant[] = [];
      // Chunks keep each request body small; the emulator mints a chunk in a few milliseconds.
      for (let offset = 0; offset < emails.length; offset += 2000) {
        const chunk = emails.slice(offset, offset + 2000);
        all.push(...((await (await post("/__bench/grants", { emails: chunk })).json()) as BenchGrant[]));
      }
      return all;
    },
    expireTokens: async (email) => {
      await post("/__emulator/expire-tokens", email === undefined ? {} : { email });
    },
    stop: async () => {
      child.kill("SIGTERM");
      await child.exited;
    },
  };
}

export interface ServerProcess {
  url: string;
  pid: number;
  /** From spawn until /healthz first answered 200. */
  startMs: number;
  /** Resident set size now, bytes (Linux /proc). */
  rssBytes(): number;
  stop(): Promise<void>;
}

/**
 * Start `script` (the product's src/app/main.ts, or bench/naive-server.ts) with exactly `env`
 * plus PATH and HOME. Its stdout (the JSON log) goes to `logFile`, as a log shipper would take
 * it, so the load generator spends nothing reading it.
 */
export async function startServerProcess(
  script: string,
  env: Record<string, string>,
  logFile: string,
  timeoutMs = 120_000,
): Promise<ServerProcess> {
  fs.writeFileSync(logFile, "");
  const started = performance.now();
  const child = Bun.spawn(
    onCores("server", [process.execPath, ...profilerArgs(script), path.join(REPO_ROOT, script)]),
    {
      cwd: REPO_ROOT,
      env: cleanEnv({ CALENDAR_SERVER_PORT: "0", ...env }),
      stdout: Bun.file(logFile),
      stderr: "pipe",
    },
  );
  let exited: number | null = null;
  void child.exited.then((code) => {
    exited = code;
  });
  const stop = async (): Promise<void> => {
    child.kill("SIGTERM");
    await child.exited;
  };
  let url: string | null = null;
  while (performance.now() - started < timeoutMs) {
    if (exited !== null) {
      throw new Error(`${script} exited with ${exited}: ${await new Response(child.stderr).text()}`);
    }
    url ??= announcedUrl(logFile);
    if (url !== null && (await answersHealth(url))) {
      return {
        url,
        pid: child.pid,
        startMs: performance.now() - started,
        rssBytes: () => rssOf(child.pid),
        stop,
      };
    }
    await Bun.sleep(2);
  }
  await stop();
  throw new Error(`${script} did not start within ${timeoutMs} ms`);
}

/**
 * With BENCH_PROFILE_DIR set, each server writes a CPU profile (Markdown, grep-friendly) there
 * when it stops: profile before optimising.
 */
function profilerArgs(script: string): string[] {
  const dir = Bun.env.BENCH_PROFILE_DIR;
  if (dir === undefined || dir === "") return [];
  return [
    "--cpu-prof-md",
    `--cpu-prof-dir=${dir}`,
    `--cpu-prof-name=${path.basename(script, ".ts")}-${Date.now()}.md`,
  ];
}

function announcedUrl(logFile: string): string | null {
  for (const line of fs.readFileSync(logFile, "utf8").split("\n")) {
    if (!line.includes('"server_started"')) continue;
    const port = (JSON.parse(line) as { port?: unknown }).port;
    if (typeof port === "number") return `http://127.0.0.1:${port}`;
  }
  return null;
}

async function answersHealth(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`)).status === 200;
  } catch {
    return false;
  }
}

export function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return kib === undefined ? Number.NaN : Number(kib) * 1024;
}

/**
 * Wait until a process is idle: no more than one clock tick (10 ms) of CPU over `quietMs`, which
 * is when start-up work in the background (the file store's sweep) is over.
 * @returns ms waited
 */
export async function waitIdle(pid: number, quietMs = 500, timeoutMs = 60_000): Promise<number> {
  const started = performance.now();
  let last = cpuMsOf(pid);
  while (performance.now() - started < timeoutMs) {
    await Bun.sleep(quietMs);
    const now = cpuMsOf(pid);
    if (now - last <= 10) break;
    last = now;
  }
  return performance.now() - started;
}

/** CPU time (user + system) a process has used so far, ms; Linux clock ticks are 10 ms. */
export function cpuMsOf(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function cleanEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: Bun.env.PATH ?? "", HOME: Bun.env.HOME ?? "", ...env };
}
