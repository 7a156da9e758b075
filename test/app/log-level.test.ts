import { afterAll, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadConfig } from "../../src/app/config.ts";
import { freePort } from "../e2e/e2e-fixtures.ts";

const REPO_ROOT = path.resolve(import.meta.dir, "../..");
const API_KEY = "log-level-api-key-0123456789";

describe("CALENDAR_SERVER_LOG_LEVEL", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "log-level-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("info by default; info, warn or error; anything else stops start-up naming the variable", () => {
    expect(loadConfig({}).server.logLevel).toBe("info");
    for (const level of ["info", "warn", "error"] as const)
      expect(loadConfig({ CALENDAR_SERVER_LOG_LEVEL: level }).server.logLevel).toBe(level);
    expect(() => loadConfig({ CALENDAR_SERVER_LOG_LEVEL: "verbose" })).toThrow("CALENDAR_SERVER_LOG_LEVEL");
  });

  test("a server started at warn writes its warnings and none of its per-request info lines", async () => {
    const port = freePort();
    const child = Bun.spawn([process.execPath, "run", "tools/sandbox/start.ts"], {
      cwd: REPO_ROOT,
      env: {
        PATH: Bun.env.PATH ?? "",
        HOME: Bun.env.HOME ?? "",
        CALENDAR_SERVER_PORT: String(port),
        CALENDAR_SERVER_DATA_DIR: dir,
        CALENDAR_SERVER_API_KEYS: API_KEY,
        CALENDAR_SERVER_LOG_LEVEL: "warn",
      },
      stdout: "pipe",
      stderr: "pipe",
    });
    const stdout = new Response(child.stdout).text();
    const url = `http://127.0.0.1:${port}`;
    // No server_started line at this level: wait for /healthz instead.
    const deadline = Date.now() + 15_000;
    while (
      !(await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (Date.now() > deadline) throw new Error("the server did not answer /healthz within 15 s");
      await Bun.sleep(50);
    }
    const mcp = (body: string) =>
      fetch(`${url}/mcp`, {
        method: "POST",
        headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" },
        body,
      });
    const refused = await mcp("{not json");
    expect(refused.status).toBe(400);
    const called = await mcp(
      JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "calendar_status", arguments: { customer_id: "user-1" } },
      }),
    );
    expect(called.status).toBe(200);
    child.kill("SIGTERM");
    await child.exited;

    const events = (await stdout)
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { level: string; event: string });
    expect(events.map((entry) => `${entry.level} ${entry.event}`)).toEqual(["warn mcp_request_refused"]);
  });
});
