import { afterAll, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { MemoryLogger } from "../../src/adapters/logging/logger.ts";
import { generateEncryptionKey } from "../../src/adapters/vault/encryption-keys.ts";
import { composeServer } from "../../src/app/compose.ts";
import { loadConfig } from "../../src/app/config.ts";
import { parseCustomerId } from "../../src/domain/customer-id.ts";
import { data, McpStub } from "../adapters/google-mcp/mcp-stub-server.ts";
import { FixedClock } from "../fakes/fixed-clock.ts";

const mcp = new McpStub();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "current-time-"));

afterAll(() => {
  mcp.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("current_time on Google's Calendar MCP backend", () => {
  test("the calendar's zone costs one MCP request; a given zone costs none", async () => {
    const config = loadConfig({
      CALENDAR_SERVER_API_KEYS: "composed-api-key-0123456789",
      TOKEN_DB_PATH: path.join(dir, "tokens.db"),
      TOKEN_ENCRYPTION_KEY: generateEncryptionKey(),
      GOOGLE_CALENDAR_BACKEND: "mcp",
      GOOGLE_CALENDAR_MCP_URL: mcp.url,
    });
    const clock = new FixedClock("2026-07-03T16:30:00Z");
    const composed = await composeServer(config, { logger: new MemoryLogger(), clock });
    try {
      const customer = parseCustomerId("sam");
      const now = clock.now();
      await composed.storage.vault.put({
        customerId: customer,
        email: "sam@example.com",
        tokens: {
          accessToken: "ya29.sam",
          refreshToken: "1//refresh",
          expiresAt: new Date(now.getTime() + 3_600_000),
          scopes: config.google.scopes,
        },
        state: { kind: "connected" },
        connectedAt: now,
        updatedAt: now,
        oauthClientId: null,
      });
      mcp.always(
        "list_calendars",
        data({
          calendars: [{ id: "sam@example.com", summary: "Sam", timeZone: "America/New_York", primary: true }],
        }),
      );
      const fromCalendar = await composed.services.currentTime.execute(customer);
      expect(fromCalendar).toMatchObject({
        timeZone: "America/New_York",
        zoneFrom: "calendar",
        offsetMinutes: -240,
      });
      expect(fromCalendar.local).toMatchObject({ hour: 12, minute: 30, weekday: 5 });
      expect(mcp.calls).toHaveLength(1);
      const given = await composed.services.currentTime.execute(customer, { timeZone: "Europe/Madrid" });
      expect(given).toMatchObject({ timeZone: "Europe/Madrid", zoneFrom: "argument", offsetMinutes: 120 });
      expect(mcp.calls).toHaveLength(1);
    } finally {
      await composed.close();
    }
  });
});
