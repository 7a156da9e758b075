import * as path from "node:path";

const REPO_ROOT = path.resolve(import.meta.dir, "../..");

/** A real `bun run src/app/main.ts` child process, as an operator would start one instance. */
export interface ServerProcess {
  url: string;
  /** Every JSON log line it printed so far, parsed. */
  logs: Array<Record<string, unknown>>;
  stop(): Promise<void>;
  /** kill -9: no shutdown, no cleanup, as a crash. */
  crash(): Promise<void>;
}

/**
 * Start an instance with exactly `env` (plus PATH and HOME; nothing else leaks in from this
 * process) on a port the system picks, and wait for its `server_started` line.
 * @throws Error with its stderr when it exits first or does not start in `timeoutMs`
 */
export async function startServerProcess(
  env: Record<string, string>,
  timeoutMs = 15_000,
): Promise<ServerProcess> {
  const child = Bun.spawn(["bun", "run", "src/app/main.ts"], {
    cwd: REPO_ROOT,
    env: { PATH: Bun.env.PATH ?? "", HOME: Bun.env.HOME ?? "", CALENDAR_SERVER_PORT: "0", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const logs: Array<Record<string, unknown>> = [];
  const stderr = new Response(child.stderr).text();
  let announce: (port: number) => void = () => undefined;
  const started = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`server did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    announce = (port) => {
      clearTimeout(timer);
      resolve(port);
    };
    // Settling after the start is a no-op: a started server's exit is its stop().
    void child.exited.then(async (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before starting: ${await stderr}`));
    });
  });
  // Keep reading stdout for the process's whole life, so a full pipe never blocks it.
  void readLines(child.stdout, (line) => {
    const entry = parseJson(line);
    if (entry === null) return;
    logs.push(entry);
    if (entry.event === "server_started" && typeof entry.port === "number") announce(entry.port);
  });
  const port = await started;
  return {
    url: `http://127.0.0.1:${port}`,
    logs,
    stop: async () => {
      child.kill("SIGTERM");
      await child.exited;
    },
    crash: async () => {
      child.kill("SIGKILL");
      await child.exited;
    },
  };
}

/** Run an instance expected to refuse to start; resolves with its exit code and stderr. */
export async function runFailingServer(
  env: Record<string, string>,
): Promise<{ code: number; stderr: string }> {
  const child = Bun.spawn(["bun", "run", "src/app/main.ts"], {
    cwd: REPO_ROOT,
    env: { PATH: Bun.env.PATH ?? "", HOME: Bun.env.HOME ?? "", CALENDAR_SERVER_PORT: "0", ...env },
    stdout: "ignore",
    stderr: "pipe",
  });
  const timer = setTimeout(() => child.kill(), 15_000);
  const [code, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
  clearTimeout(timer);
  return { code, stderr };
}

/**
 * The load balancer in front of the instances: plain round robin, no stickiness. It records
 * which instance answered each request.
 */
export interface RoundRobin {
  url: string;
  routed: string[];
  setTargets(targets: string[]): void;
  stop(): Promise<void>;
}

export function startRoundRobin(): RoundRobin {
  let targets: string[] = [];
  let next = 0;
  const routed: string[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    fetch: async (request) => {
      const target = targets[next++ % targets.length];
      if (target === undefined) return new Response("no instance", { status: 503 });
      routed.push(target);
      const url = new URL(request.url);
      const body = request.method === "GET" || request.method === "HEAD" ? null : await request.arrayBuffer();
      return fetch(`${target}${url.pathname}${url.search}`, {
        method: request.method,
        headers: request.headers,
        body,
        redirect: "manual",
      });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    routed,
    setTargets: (list) => {
      targets = list;
    },
    stop: async () => {
      await server.stop(true);
    },
  };
}

async function readLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      onLine(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf("\n");
    }
  }
}

function parseJson(line: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
