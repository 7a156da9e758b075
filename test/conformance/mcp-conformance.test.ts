import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { E2E_API_KEY, type Stack, startStack } from "../e2e/e2e-fixtures.ts";

/**
 * The official MCP conformance suite (@modelcontextprotocol/conformance), run against our real
 * server for the scenarios that apply to it. The suite's client sends no API key, so a small
 * proxy on loopback adds ours and passes every other header (Host and Origin included) through
 * untouched: what the suite checks is exactly what reaches our /mcp.
 */
const REPO = path.resolve(import.meta.dir, "../..");
const SUITE = path.join(REPO, "node_modules/@modelcontextprotocol/conformance/dist/index.js");
const SCENARIOS = ["server-initialize", "ping", "tools-list", "dns-rebinding-protection"];

interface Check {
  id: string;
  status: string;
  errorMessage?: string;
}

describe("MCP conformance suite", () => {
  let stack: Stack;
  let proxy: ReturnType<typeof Bun.serve>;
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "mcp-conformance-"));

  beforeAll(async () => {
    stack = await startStack("sqlite");
    const target = new URL(stack.server.url);
    proxy = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: async (request) => {
        const url = new URL(request.url);
        const headers = new Headers(request.headers);
        headers.set("authorization", `Bearer ${E2E_API_KEY}`);
        const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.text();
        return fetch(`http://127.0.0.1:${target.port}${url.pathname}${url.search}`, {
          method: request.method,
          headers,
          body,
          redirect: "manual",
        });
      },
    });
  });

  afterAll(async () => {
    proxy?.stop(true);
    await stack?.stop();
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  for (const scenario of SCENARIOS) {
    test(`${scenario}: every check succeeds`, async () => {
      const dir = path.join(outDir, scenario);
      const child = Bun.spawn(
        [
          process.execPath,
          SUITE,
          "server",
          "--url",
          `http://localhost:${proxy.port}/mcp`,
          "--scenario",
          scenario,
          "--output-dir",
          dir,
        ],
        { cwd: REPO, stdout: "pipe", stderr: "pipe", env: { ...Bun.env, NO_COLOR: "1" } },
      );
      const [stdout, stderr, code] = await Promise.all([
        new Response(child.stdout).text(),
        new Response(child.stderr).text(),
        child.exited,
      ]);
      const checks = readChecks(dir);
      expect(checks.length).toBeGreaterThan(0);
      const failed = checks.filter((check) => check.status === "FAILURE");
      if (failed.length > 0 || code !== 0) console.error(stdout.slice(-4000), stderr.slice(-2000));
      expect(failed).toEqual([]);
      expect(code).toBe(0);
    }, 60_000);
  }
});

/** Every check the suite wrote for one scenario (checks.json, in a folder per run). */
function readChecks(dir: string): Check[] {
  const files: string[] = [];
  const walk = (at: string): void => {
    if (!fs.existsSync(at)) return;
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "checks.json") files.push(full);
    }
  };
  walk(dir);
  return files.flatMap((file) => JSON.parse(fs.readFileSync(file, "utf8")) as Check[]);
}
