import { describe, expect, test } from "bun:test";
import { parseEncryptionKey } from "../../../src/adapters/vault/encryption-keys.ts";
import { runCli, storeEnv, useTempDir } from "./cli-fixtures.ts";

const tempDir = useTempDir();
const COMMANDS = ["keygen", "rotate-key", "migrate", "list", "status", "disconnect", "webhooks"];

describe("cli: keygen and usage", () => {
  test("keygen prints one base64 key of 32 bytes, fresh each time, and nothing else", async () => {
    const first = await runCli(["keygen"], {});
    const second = await runCli(["keygen"], {});
    expect(first.code).toBe(0);
    expect(first.stderr).toBe("");
    expect(first.stdout).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    expect(Buffer.from(first.stdout.trim(), "base64").length).toBe(32);
    expect(parseEncryptionKey(first.stdout).length).toBe(32);
    expect(second.stdout).not.toBe(first.stdout);
  });

  test("--help lists every command on stdout and exits 0", async () => {
    for (const args of [["--help"], ["-h"], ["help"]]) {
      const run = await runCli(args, {});
      expect(run.code).toBe(0);
      for (const name of COMMANDS) expect(run.stdout).toContain(`  ${name}`);
      expect(run.stdout).toContain("Exit status: 0 success, 1 operational failure, 2 usage error");
    }
  });

  test("each command has its own --help (usage line and options), exit 0", async () => {
    const migrate = await runCli(["migrate", "--help"], {});
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain("Usage: bun run cli migrate --from <type> --to <type>");
    expect(migrate.stdout).toContain("sqlite (TOKEN_DB_PATH), encrypted_file (TOKEN_VAULT_DIR)");
    const status = await runCli(["help", "status"], {});
    expect(status.code).toBe(0);
    expect(status.stdout).toContain("Usage: bun run cli status <customer_id> [--json]");
  });

  test("usage errors exit 2 with one error line and the help on stderr, nothing on stdout", async () => {
    const cases: Array<[string[], string]> = [
      [[], "error: no command given"],
      [["frobnicate"], "error: unknown command 'frobnicate'"],
      [["list", "--bogus"], "error: Unknown option '--bogus'"],
      [["status"], "error: missing <customer_id>"],
      [["status", "a", "b"], "error: unexpected argument 'b'"],
      [["status", "-bad id"], "error: Unknown option"],
      [["status", "has space"], "error: customer_id must be 1-128 characters"],
      [["migrate", "--from", "sqlite"], "error: missing --to"],
      [
        ["migrate", "--from", "sqlite", "--to", "mongodb"],
        "error: --to must be one of sqlite, encrypted_file, database",
      ],
      [["migrate", "--from", "sqlite", "--to", "sqlite"], "error: --from and --to name the same store"],
      [["keygen", "extra"], "error: unexpected argument 'extra'"],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(args, {});
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stdout).toBe("");
      expect(run.stderr.split("\n")[0]).toStartWith(message);
      expect(run.stderr).toContain("Usage: bun run cli");
    }
  });

  test("a configuration error is one line naming the variable, exit 1, never echoing the bad key", async () => {
    const dir = tempDir();
    const badKey = "not-a-real-key-but-secret-looking-value";
    const run = await runCli(["list"], storeEnv(dir, badKey));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toStartWith("error: configuration: TOKEN_ENCRYPTION_KEY: must decode");
    expect(run.stderr).not.toContain(badKey);
  });

  test("production without a key refuses to open the store (exit 1)", async () => {
    const dir = tempDir();
    const env = storeEnv(dir, "", { NODE_ENV: "production", CALENDAR_SERVER_API_KEYS: "k".repeat(32) });
    const run = await runCli(["list"], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toStartWith("error: configuration: TOKEN_ENCRYPTION_KEY: is required in production");
  });
});
