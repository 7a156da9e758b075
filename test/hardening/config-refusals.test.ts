import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { MemoryLogger } from "../../src/adapters/logging/logger.ts";
import { ConfigError, loadConfig } from "../../src/app/config.ts";
import { startSandbox } from "../../tools/sandbox/sandbox.ts";

/**
 * A careless operator's configuration: each mistake stops start-up with a line naming the
 * variable, instead of running with a weak secret or silently as the sandbox.
 */

const production = {
  NODE_ENV: "production",
  GOOGLE_OAUTH_CLIENT_ID: "id.apps.googleusercontent.com",
  GOOGLE_OAUTH_CLIENT_SECRET: "secret",
  CALENDAR_SERVER_BASE_URL: "https://calendar.example.com",
  TOKEN_ENCRYPTION_KEY: createHash("sha256").update("a real key").digest("base64"),
  CALENDAR_SERVER_API_KEYS: "k9".repeat(16),
};

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("config was accepted");
}

const trivialKeys: [string, Buffer][] = [
  ["all zero", Buffer.alloc(32)],
  ["one repeated byte", Buffer.alloc(32, 0x41)],
  ["a short repeated pattern", Buffer.from("abcdabcdabcdabcdabcdabcdabcdabcd")],
  ["counting bytes 0..31", Buffer.from(Array.from({ length: 32 }, (_, index) => index))],
  ["a constant step", Buffer.from(Array.from({ length: 32 }, (_, index) => (200 + index * 7) % 256))],
];

describe("configuration an operator gets wrong", () => {
  test("the complete production environment used below is accepted", () => {
    expect(loadConfig(production).production).toBe(true);
  });

  for (const [label, key] of trivialKeys) {
    for (const encoding of ["base64", "hex"] as const) {
      test(`production refuses a trivial encryption key: ${label} (${encoding})`, () => {
        expect(refusal({ ...production, TOKEN_ENCRYPTION_KEY: key.toString(encoding) })).toStartWith(
          "TOKEN_ENCRYPTION_KEY: is a trivial key",
        );
      });
    }
  }

  for (const apiKey of [
    "with a space inside 0123456789",
    "tab\tinside-0123456789abcdef",
    "line\nbreak-0123456789abc",
  ]) {
    test(`an API key containing whitespace is refused: ${JSON.stringify(apiKey)}`, () => {
      const message = refusal({ ...production, CALENDAR_SERVER_API_KEYS: `${"g".repeat(20)},${apiKey}` });
      expect(message).toBe("CALENDAR_SERVER_API_KEYS: a key must not contain whitespace");
      expect(message).not.toContain(apiKey);
    });
  }

  for (const value of ["Production", "prod", "PRODUCTION", "staging", "productoin"]) {
    test(`NODE_ENV=${value} is refused, not read as the sandbox`, () => {
      expect(refusal({ NODE_ENV: value })).toStartWith("NODE_ENV: must be production, development or test");
      expect(refusal({ ...production, NODE_ENV: value })).toStartWith("NODE_ENV:");
    });
  }

  test("the sandbox listens on 127.0.0.1 only, unless CALENDAR_SERVER_HOSTNAME says otherwise", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mcp-calendar-sandbox-host-"));
    const config = loadConfig({ CALENDAR_SERVER_PORT: "0", CALENDAR_SERVER_DATA_DIR: dir });
    expect(config.sandbox).toBe(true);
    expect(config.server.hostname).toBe("127.0.0.1");
    expect(loadConfig({ CALENDAR_SERVER_HOSTNAME: "0.0.0.0" }).server.hostname).toBe("0.0.0.0");
    const sandbox = await startSandbox(config, { quiet: true, logger: new MemoryLogger() });
    try {
      expect((await fetch(`http://127.0.0.1:${sandbox.server.port}/healthz`)).status).toBe(200);
      const outside = Object.values(os.networkInterfaces())
        .flat()
        .find((entry) => entry !== undefined && entry.family === "IPv4" && !entry.internal);
      // Every non-loopback address of this machine is refused (when it has one).
      if (outside !== undefined) {
        const reached = await fetch(`http://${outside.address}:${sandbox.server.port}/healthz`).then(
          () => true,
          () => false,
        );
        expect(reached).toBe(false);
      }
    } finally {
      await sandbox.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
