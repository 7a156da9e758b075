import { afterEach, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import nacl from "tweetnacl";
import { SchemaScope, TEST_DATABASE_URL } from "../postgres/postgres-fixtures.ts";

const WORKERS = 3;
const ROUNDS = 20;
const WORKER = path.join(import.meta.dir, "claim-race-worker.ts");

interface Worker {
  child: Bun.Subprocess<"pipe", "pipe", "pipe">;
  output: Promise<string>;
  ready: Promise<void>;
}

function startWorker(env: Record<string, string>): Worker {
  const child = Bun.spawn([process.execPath, "run", WORKER, "race", String(ROUNDS), "60"], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
  let seen = "";
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const output = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stdout) {
      seen += decoder.decode(chunk, { stream: true });
      if (seen.includes("ready\n")) markReady();
    }
    const code = await child.exited;
    if (code !== 0) throw new Error(`worker exited ${code}: ${await new Response(child.stderr).text()}`);
    markReady();
    return seen;
  })();
  return { child, output, ready };
}

/** Start every worker, let them all open the store, then start them at the same instant. */
async function race(env: Record<string, string>): Promise<number[]> {
  const workers = Array.from({ length: WORKERS }, () => startWorker(env));
  await Promise.race([Promise.all(workers.map((w) => w.ready)), ...workers.map((w) => w.output)]);
  const startAt = Date.now() + 200;
  for (const worker of workers) {
    worker.child.stdin.write(`${startAt}\n`);
    await worker.child.stdin.end();
  }
  const totals = new Array<number>(ROUNDS).fill(0);
  for (const worker of workers) {
    const last = (await worker.output).trim().split("\n").at(-1) ?? "{}";
    const { wins } = JSON.parse(last) as { wins: number[] };
    expect(wins).toHaveLength(ROUNDS);
    wins.forEach((count, round) => {
      totals[round] = (totals[round] ?? 0) + count;
    });
  }
  return totals;
}

function baseEnv(dir: string): Record<string, string> {
  return {
    GOOGLE_OAUTH_CLIENT_ID: "race-test.apps.googleusercontent.com",
    GOOGLE_OAUTH_CLIENT_SECRET: "race-test-secret",
    CALENDAR_SERVER_DATA_DIR: path.join(dir, "data"),
    TOKEN_DB_PATH: path.join(dir, "tokens.db"),
    TOKEN_VAULT_DIR: path.join(dir, "vault"),
    TOKEN_ENCRYPTION_KEY: Buffer.from(nacl.randomBytes(32)).toString("base64"),
  };
}

describe("idempotency claims from several server processes on one store", () => {
  let dir = "";
  afterEach(() => {
    if (dir !== "") fs.rmSync(dir, { recursive: true, force: true });
  });
  const everyRoundOneWinner = new Array<number>(ROUNDS).fill(1);

  for (const type of ["sqlite", "encrypted_file"] as const) {
    test(`${type}: ${WORKERS} processes x 3 concurrent claims per key, exactly one wins (${ROUNDS} rounds)`, async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "idempotency-race-"));
      expect(await race({ ...baseEnv(dir), TOKEN_STORAGE_TYPE: type })).toEqual(everyRoundOneWinner);
    });
  }

  test(`database: ${WORKERS} instances x 3 concurrent claims per key, exactly one wins (${ROUNDS} rounds)`, async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "idempotency-race-"));
    const scope = new SchemaScope();
    try {
      const env = {
        ...baseEnv(dir),
        TOKEN_STORAGE_TYPE: "database",
        TOKEN_DATABASE_URL: TEST_DATABASE_URL,
        TOKEN_DATABASE_SCHEMA: scope.schema,
        TOKEN_DATABASE_POOL_SIZE: "3",
      };
      expect(await race(env)).toEqual(everyRoundOneWinner);
    } finally {
      await scope.cleanup();
    }
  });
});
