import { afterAll, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { MemoryLogger } from "../../src/adapters/logging/logger.ts";
import { loadConfig } from "../../src/app/config.ts";
import { type RunningSandbox, startSandbox } from "../../tools/sandbox/sandbox.ts";
import { consent, freePort } from "../e2e/e2e-fixtures.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-mcp-"));
let sandbox: RunningSandbox | undefined;
afterAll(async () => {
  await sandbox?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** `GOOGLE_CALENDAR_BACKEND=mcp bun start`: the tools reach the emulator's Calendar MCP server only. */
test("the sandbox on the MCP backend books through the emulated Calendar MCP server", async () => {
  const config = loadConfig({
    CALENDAR_SERVER_PORT: String(freePort()),
    CALENDAR_SERVER_DATA_DIR: path.join(dir, "data"),
    GOOGLE_CALENDAR_BACKEND: "mcp",
  });
  sandbox = await startSandbox(config, { quiet: true, logger: new MemoryLogger() });
  const { server, emulator, developmentApiKey } = sandbox;
  emulator.state.options.autoApproveEmail = "ana.garcia@example.com";
  const call = async (name: string, args: Record<string, unknown>) => {
    const response = await fetch(`${server.url}/mcp`, {
      method: "POST",
      headers: { authorization: `Bearer ${developmentApiKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name, arguments: args },
      }),
    });
    const body = (await response.json()) as {
      result: { isError?: boolean; structuredContent: Record<string, unknown> };
    };
    return body.result;
  };
  const started = await call("connect_calendar", { customer_id: "user-123" });
  expect((await consent(String(started.structuredContent.authorization_url))).status).toBe(200);
  const day = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
  const booked = await call("create_booking", {
    customer_id: "user-123",
    summary: "Sandbox over MCP",
    start: `${day}T09:00:00Z`,
    end: `${day}T09:30:00Z`,
    idempotency_key: "sandbox-mcp-1",
  });
  expect(booked.isError).toBeFalsy();
  expect(booked.structuredContent).toMatchObject({ created: true });
  expect(emulator.state.counters.mcpCalls.get("create_event")).toBe(1);
  expect([...emulator.state.counters.calendarCalls.values()].reduce((a, b) => a + b, 0)).toBe(0);
});
