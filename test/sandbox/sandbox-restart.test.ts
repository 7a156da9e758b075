import { afterEach, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { MemoryLogger } from "../../src/adapters/logging/logger.ts";
import { readSandboxRecord } from "../../src/app/cli/sandbox-record.ts";
import { loadConfig } from "../../src/app/config.ts";
import { EMULATOR_STATE_FILE, type RunningSandbox, startSandbox } from "../../tools/sandbox/sandbox.ts";
import { consent, freePort } from "../e2e/e2e-fixtures.ts";

/** What `bun start` twice in the same data folder does: the second start finds the first's world. */
describe("the sandbox across a restart", () => {
  const dirs: string[] = [];
  let running: RunningSandbox | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function start(dataDir: string): Promise<RunningSandbox> {
    const port = String(freePort());
    const config = loadConfig({ CALENDAR_SERVER_PORT: port, CALENDAR_SERVER_DATA_DIR: dataDir });
    running = await startSandbox(config, { quiet: true, logger: new MemoryLogger() });
    return running;
  }

  async function mcp(sandbox: RunningSandbox, name: string, args: Record<string, unknown>) {
    const response = await fetch(`${sandbox.server.url}/mcp`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${sandbox.developmentApiKey}`,
        "content-type": "application/json",
        accept: "application/json",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name, arguments: args },
      }),
    });
    const body = (await response.json()) as { result: { structuredContent: Record<string, unknown> } };
    return body.result.structuredContent;
  }

  test("grants and bookings survive, and the CLI's record names the new emulator", async () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-restart-")), "data");
    dirs.push(path.dirname(dataDir));

    const first = await start(dataDir);
    first.emulator.state.options.autoApproveEmail = "ana.garcia@example.com";
    const authorize = await fetch(`${first.server.url}/oauth/authorize`, {
      method: "POST",
      headers: { authorization: `Bearer ${first.developmentApiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ customer_id: "user-123" }),
    });
    const { authorization_url } = (await authorize.json()) as { authorization_url: string };
    expect((await consent(authorization_url)).status).toBe(200);
    const slot = new Date(Date.now() + 3 * 86_400_000);
    slot.setUTCHours(9, 0, 0, 0);
    const booked = await mcp(first, "create_booking", {
      customer_id: "user-123",
      summary: "Dentist",
      start: slot.toISOString(),
      end: new Date(slot.getTime() + 30 * 60_000).toISOString(),
    });
    const eventId = booked.event_id;
    expect(typeof eventId).toBe("string");
    const firstKey = first.developmentApiKey;
    await first.stop();
    running = undefined;
    expect(fs.existsSync(path.join(dataDir, EMULATOR_STATE_FILE))).toBe(true);

    const second = await start(dataDir);
    expect(second.developmentApiKey).toBe(firstKey);
    expect(readSandboxRecord(dataDir)?.emulatorUrl).toBe(second.emulator.url);
    const status = await mcp(second, "calendar_status", { customer_id: "user-123" });
    expect(status).toMatchObject({ connected: true, calendar_email: "ana.garcia@example.com" });
    // The access token issued before the restart is still good at the restarted emulator.
    const refreshesBefore = second.emulator.state.counters.refreshes;
    const event = await mcp(second, "get_event", { customer_id: "user-123", event_id: eventId });
    expect(event).toMatchObject({ event_id: eventId, summary: "Dentist" });
    expect(second.emulator.state.counters.refreshes).toBe(refreshesBefore);
  }, 30_000);
});
