import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { API_KEY, httpMcpWorld, type McpWorld } from "../adapters/mcp/mcp-fixtures.ts";

/** examples/python_client.py against the real HTTP app (MCP mounted at /mcp) over the fakes. */

const python = Bun.which("python3");
const SCRIPT = join(import.meta.dir, "..", "..", "examples", "python_client.py");

let world: McpWorld;
let server: ReturnType<typeof Bun.serve> | null = null;

beforeAll(async () => {
  const http = await httpMcpWorld();
  world = http;
  server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: http.app.fetch });
});

afterAll(async () => {
  await server?.stop(true);
});

async function runExample(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = Bun.spawn(
    [python ?? "python3", SCRIPT, "--url", `http://127.0.0.1:${server?.port}`, ...args],
    {
      env: { ...process.env, MCP_API_KEY: API_KEY },
      stdout: "pipe",
      stderr: "pipe",
      timeout: 20_000,
    },
  );
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { code, stdout, stderr };
}

describe("examples/python_client.py", () => {
  test.if(python !== null)("makes the seed's create_booking call and prints the booking", async () => {
    const run = await runExample(
      "--customer-id",
      "user-123",
      "--summary",
      "Cita dentista",
      "--idempotency-key",
      "conv-7",
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const booked = JSON.parse(run.stdout);
    expect(booked).toMatchObject({
      summary: "Cita dentista",
      status: "confirmed",
      created: true,
    });
    // The default slot is tomorrow at 15:00 local time: never in the past.
    expect(Date.parse(booked.start.date_time)).toBeGreaterThan(Date.now());
    expect(booked.start.date_time).toMatch(/T15:00:00/);
    expect(world.calendar.storedEvents().map((event) => event.summary)).toEqual(["Cita dentista"]);

    const replay = await runExample(
      "--customer-id",
      "user-123",
      "--summary",
      "Cita dentista",
      "--idempotency-key",
      "conv-7",
    );
    expect(JSON.parse(replay.stdout)).toMatchObject({ event_id: booked.event_id, created: false });
  });

  test.if(python !== null)("prints the consent link for a customer without a calendar, exit 1", async () => {
    const run = await runExample("--customer-id", "user-456");
    expect(run.code).toBe(1);
    const { error } = JSON.parse(run.stdout);
    expect(error.code).toBe("calendar_not_connected");
    expect(error.authorization_url).toStartWith("https://accounts.example.test/auth?state=");
  });

  test.if(python !== null)("reports a wrong API key as an HTTP failure, exit 2", async () => {
    const child = Bun.spawn([python ?? "python3", SCRIPT, "--url", `http://127.0.0.1:${server?.port}`], {
      env: { ...process.env, MCP_API_KEY: "wrong-key-000000000000" },
      stdout: "pipe",
      stderr: "pipe",
      timeout: 20_000,
    });
    const [stderr, code] = await Promise.all([new Response(child.stderr).text(), child.exited]);
    expect(code).toBe(2);
    expect(stderr).toContain("HTTP 401");
  });
});
