import { afterEach, expect } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import nacl from "tweetnacl";
import { loadConfig } from "../../../src/app/config.ts";
import { openStorage, type Storage } from "../../../src/app/storage.ts";
import type { Connection } from "../../../src/domain/connection.ts";
import { type CustomerId, parseCustomerId } from "../../../src/domain/customer-id.ts";

export const REPO = path.resolve(import.meta.dir, "../../..");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real CLI in its own process, with only the environment given (plus PATH and HOME). */
export function startCli(args: string[], env: Record<string, string>) {
  return Bun.spawn([process.execPath, "run", "src/app/cli.ts", ...args], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: env.HOME ?? os.tmpdir(), ...env },
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
}

/** Run the CLI to its end (see startCli). */
export async function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  const child = startCli(args, env);
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { code, stdout, stderr };
}

/** A fresh temporary folder per test, removed afterwards. */
export function useTempDir(): () => string {
  let dir = "";
  afterEach(() => {
    if (dir !== "") fs.rmSync(dir, { recursive: true, force: true });
    dir = "";
  });
  return () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "mcp-calendar-cli-"));
    return dir;
  };
}

export function newKey(): string {
  return Buffer.from(nacl.randomBytes(32)).toString("base64");
}

/** An environment naming both stores inside `dir`, outside the sandbox (Google credentials set). */
export function storeEnv(
  dir: string,
  key: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    GOOGLE_OAUTH_CLIENT_ID: "cli-test.apps.googleusercontent.com",
    GOOGLE_OAUTH_CLIENT_SECRET: "cli-test-secret",
    CALENDAR_SERVER_DATA_DIR: path.join(dir, "data"),
    TOKEN_DB_PATH: path.join(dir, "tokens.db"),
    TOKEN_VAULT_DIR: path.join(dir, "vault"),
    TOKEN_ENCRYPTION_KEY: key,
    ...extra,
  };
}

/** Open a store exactly as the server would with this environment. */
export async function withStorage<T>(
  env: Record<string, string>,
  type: "sqlite" | "encrypted_file" | "database",
  work: (storage: Storage) => Promise<T>,
): Promise<T> {
  const storage = await openStorage(loadConfig(env), type);
  try {
    return await work(storage);
  } finally {
    await storage.close();
  }
}

export const id = (text: string): CustomerId => parseCustomerId(text);

/** Tokens are random so a test can search every output for them. */
export function connection(customerId: string, overrides: Partial<Connection> = {}): Connection {
  return {
    customerId: id(customerId),
    email: `${customerId}@example.com`,
    tokens: {
      accessToken: `ya29.secret-access-${crypto.randomUUID()}`,
      refreshToken: `1//secret-refresh-${crypto.randomUUID()}`,
      expiresAt: new Date("2026-03-01T12:00:00.000Z"),
      scopes: ["openid", "email", "https://www.googleapis.com/auth/calendar.events"],
    },
    state: { kind: "connected" },
    connectedAt: new Date("2026-02-01T09:00:00.000Z"),
    updatedAt: new Date("2026-02-01T09:00:00.000Z"),
    oauthClientId: "cli-test.apps.googleusercontent.com",
    ...overrides,
  };
}

/** Every token of these connections, to check none reached the output. */
export function secretsOf(connections: Connection[], keys: string[] = []): string[] {
  return [
    ...keys,
    ...connections.flatMap((c) => [c.tokens.accessToken, c.tokens.refreshToken ?? c.tokens.accessToken]),
  ];
}

/** Asserts on booleans, so a failure never prints the secret itself. */
export function expectNoSecrets(run: CliRun, secrets: string[]): void {
  expect(secrets.length).toBeGreaterThan(0);
  for (const secret of secrets) {
    expect(run.stdout.includes(secret)).toBe(false);
    expect(run.stderr.includes(secret)).toBe(false);
  }
}
