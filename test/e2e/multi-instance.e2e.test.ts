import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  openPostgresDatabase,
  type PostgresDatabase,
} from "../../src/adapters/postgres/postgres-database.ts";
import { PostgresTokenVault } from "../../src/adapters/postgres/postgres-token-vault.ts";
import { generateEncryptionKey, parseEncryptionKey } from "../../src/adapters/vault/encryption-keys.ts";
import { RecordSealer } from "../../src/adapters/vault/record-sealer.ts";
import { parseCustomerId } from "../../src/domain/customer-id.ts";
import {
  type RunningGoogleEmulator,
  startGoogleEmulator,
} from "../../tools/google-emulator/src/google-emulator.ts";
import { adminClient, newSchemaName, TEST_DATABASE_URL } from "../adapters/postgres/postgres-fixtures.ts";
import { CLIENT_ID, CLIENT_SECRET, E2E_API_KEY, freePort } from "./e2e-fixtures.ts";
import {
  type RoundRobin,
  runFailingServer,
  type ServerProcess,
  startRoundRobin,
  startServerProcess,
} from "./server-process.ts";

const EMAIL = "ana.garcia@example.com";

interface ToolResult {
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
}

/**
 * Two real server processes on one PostgreSQL schema and one Google emulator, behind a round-robin
 * load balancer without sticky sessions: what docs/multi-instance.md describes.
 */
describe("two instances behind one load balancer, sharing one PostgreSQL database", () => {
  const schema = newSchemaName();
  const encryptionKey = generateEncryptionKey();
  let emulator: RunningGoogleEmulator;
  let balancer: RoundRobin;
  let a: ServerProcess;
  let b: ServerProcess;
  /** The test's own view of the shared store, to make a stored token expire. */
  let db: PostgresDatabase;

  const call = (base: string, pathname: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${base}${pathname}`, {
      ...init,
      headers: {
        authorization: `Bearer ${E2E_API_KEY}`,
        "content-type": "application/json",
        ...init.headers,
      },
    });

  /** A bare JSON-RPC tools/call, as an AI backend sends it, through the load balancer. */
  async function tool(name: string, args: Record<string, unknown>): Promise<ToolResult> {
    const response = await call(balancer.url, "/mcp", {
      method: "POST",
      headers: { accept: "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name, arguments: args },
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result?: ToolResult; error?: unknown };
    if (body.result === undefined) throw new Error(`JSON-RPC error: ${JSON.stringify(body.error)}`);
    return body.result;
  }

  async function emulatorStats(): Promise<{ refreshes: number; codeExchanges: number }> {
    return (await (await fetch(`${emulator.url}/__emulator/stats`)).json()) as never;
  }

  /**
   * Make Google slow to act on the next `times` requests to `target` (the emulator waits before it
   * handles them): other callers then arrive while the first is still at Google, so a lock that
   * did not span both instances would let two through (two refreshes, two bookings) instead of
   * the test passing by luck.
   */
  async function slowGoogle(target: string, times: number, delayMs: number): Promise<void> {
    const response = await fetch(`${emulator.url}/__emulator/faults`, {
      method: "POST",
      body: JSON.stringify({ target, delayMs, times }),
    });
    expect(response.status).toBe(201);
  }

  async function clearFaults(): Promise<void> {
    await fetch(`${emulator.url}/__emulator/faults`, { method: "DELETE" });
  }

  beforeAll(async () => {
    emulator = await startGoogleEmulator({
      clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [] }],
      accounts: [{ email: EMAIL, name: "Ana García", timeZone: "Europe/Madrid" }],
      options: { autoApproveEmail: EMAIL },
    });
    balancer = startRoundRobin();
    const env = {
      CALENDAR_SERVER_BASE_URL: balancer.url,
      CALENDAR_SERVER_API_KEYS: E2E_API_KEY,
      GOOGLE_OAUTH_CLIENT_ID: CLIENT_ID,
      GOOGLE_OAUTH_CLIENT_SECRET: CLIENT_SECRET,
      GOOGLE_OAUTH_AUTH_URL: `${emulator.url}/o/oauth2/v2/auth`,
      GOOGLE_OAUTH_TOKEN_URL: `${emulator.url}/token`,
      GOOGLE_OAUTH_REVOKE_URL: `${emulator.url}/revoke`,
      GOOGLE_CALENDAR_API_URL: `${emulator.url}/`,
      TOKEN_STORAGE_TYPE: "database",
      TOKEN_DATABASE_URL: TEST_DATABASE_URL,
      TOKEN_DATABASE_SCHEMA: schema,
      TOKEN_DATABASE_POOL_SIZE: "4",
      TOKEN_ENCRYPTION_KEY: encryptionKey,
      // This test sends one customer's bursts on purpose; per-instance rate limits are not its subject.
      CALENDAR_SERVER_RATE_LIMIT_PER_CUSTOMER: "0",
    };
    // Started together: both run the schema migration at once, and both must come up.
    [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    balancer.setTargets([a.url, b.url]);
    db = await openPostgresDatabase(TEST_DATABASE_URL, { schema, maxConnections: 2, maxLockConnections: 1 });
  }, 30_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.close();
    await balancer?.stop();
    await emulator?.stop();
    const admin = adminClient();
    await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.close();
  });

  test("both report healthy storage", async () => {
    for (const instance of [a, b]) {
      const health = await fetch(`${instance.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: "ok", checks: { storage: "ok" } });
    }
  });

  test("authorize on A, Google's redirect lands on B: connected, and both instances see it", async () => {
    const routedBefore = balancer.routed.length;
    const authorize = await call(balancer.url, "/oauth/authorize", {
      method: "POST",
      body: JSON.stringify({ customer_id: "user-123" }),
    });
    expect(authorize.status).toBe(200);
    const { authorization_url } = (await authorize.json()) as { authorization_url: string };
    const atGoogle = await fetch(authorization_url, { redirect: "manual" });
    const callbackUrl = atGoogle.headers.get("location") ?? "";
    expect(callbackUrl).toStartWith(`${balancer.url}/oauth/callback?`);
    const callback = await fetch(callbackUrl, { headers: { accept: "application/json" } });
    expect(callback.status).toBe(200);
    expect(await callback.json()).toMatchObject({
      success: true,
      customer_id: "user-123",
      calendar_email: EMAIL,
    });
    // Round robin, no stickiness: the authorization went to A and the callback to B.
    expect(balancer.routed.slice(routedBefore)).toEqual([a.url, b.url]);
    expect((await emulatorStats()).codeExchanges).toBe(1);

    for (const instance of [a, b]) {
      const status = (await (await call(instance.url, "/oauth/status/user-123")).json()) as Record<
        string,
        unknown
      >;
      expect(status).toMatchObject({ connected: true, calendar_email: EMAIL });
    }
  });

  test("the token expires; 200 concurrent tool calls split over A and B: exactly one refresh at Google", async () => {
    expect((await tool("calendar_status", { customer_id: "user-123" })).structuredContent).toMatchObject({
      connected: true,
    });
    // An hour passes for both instances at once: Google forgets the access token, and the stored
    // expiry (the only clock the instances compare) is moved into the past in the shared store.
    const customer = parseCustomerId("user-123");
    const vault = new PostgresTokenVault(
      db,
      new RecordSealer({ current: parseEncryptionKey(encryptionKey), previous: [] }),
    );
    const stored = await vault.get(customer);
    if (stored === null) throw new Error("expected the connection in the shared store");
    await vault.put({ ...stored, tokens: { ...stored.tokens, expiresAt: new Date(Date.now() - 60_000) } });
    await fetch(`${emulator.url}/__emulator/expire-tokens`, {
      method: "POST",
      body: JSON.stringify({ email: EMAIL }),
    });

    const before = await emulatorStats();
    const routedBefore = balancer.routed.length;
    await slowGoogle("token", 2, 300);
    const results = await Promise.all(
      Array.from({ length: 200 }, () => tool("list_calendars", { customer_id: "user-123" })),
    );
    await clearFaults();
    expect(results.filter((result) => result.isError === true)).toEqual([]);
    const routed = balancer.routed.slice(routedBefore);
    expect(routed.filter((target) => target === a.url).length).toBe(100);
    expect(routed.filter((target) => target === b.url).length).toBe(100);
    expect((await emulatorStats()).refreshes - before.refreshes).toBe(1);
    // The instances' log lines arrive over pipes: give the one that refreshed a moment to be read.
    const refreshLogs = (): Array<Record<string, unknown>> =>
      [...a.logs, ...b.logs].filter((line) => line.event === "token_refresh");
    for (let waited = 0; refreshLogs().length === 0 && waited < 40; waited += 1) await Bun.sleep(50);
    expect(refreshLogs().map((line) => line.outcome)).toEqual(["refreshed"]);
    expect(((await vault.get(customer))?.tokens.expiresAt.getTime() ?? 0) > Date.now()).toBe(true);
  });

  test("20 identical create_booking calls split over A and B: exactly one event", async () => {
    const day = new Date(Date.now() + 21 * 86_400_000).toISOString().slice(0, 10);
    const args = {
      customer_id: "user-123",
      summary: "Multi-instance check",
      start: `${day}T10:00:00`,
      end: `${day}T10:30:00`,
      time_zone: "Europe/Madrid",
      idempotency_key: "msg-multi-instance-1",
    };
    const results = await Promise.all(Array.from({ length: 20 }, () => tool("create_booking", args)));
    expect(results.filter((result) => result.isError === true)).toEqual([]);
    const created = results.filter((result) => result.structuredContent?.created === true);
    expect(created).toHaveLength(1);
    const eventIds = new Set(results.map((result) => result.structuredContent?.event_id));
    expect(eventIds.size).toBe(1);

    const listed = await tool("list_events", {
      customer_id: "user-123",
      time_min: `${day}T00:00:00Z`,
      time_max: `${day}T23:59:59Z`,
    });
    const events = listed.structuredContent?.events as Array<{ summary?: string }>;
    expect(events.filter((event) => event.summary === "Multi-instance check")).toHaveLength(1);
  });

  test("20 different bookings of one slot split over A and B: one is booked, 19 are time_conflict", async () => {
    const day = new Date(Date.now() + 22 * 86_400_000).toISOString().slice(0, 10);
    // The first insert is slow to land: without a lock spanning both instances, the other
    // instance's free/busy check would find the slot still free meanwhile and book it too.
    await slowGoogle("calendar:events.insert", 1, 500);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        tool("create_booking", {
          customer_id: "user-123",
          summary: `Contender ${index}`,
          start: `${day}T12:00:00`,
          end: `${day}T12:30:00`,
          time_zone: "Europe/Madrid",
          idempotency_key: `contender-${index}`,
        }),
      ),
    );
    await clearFaults();
    expect(results.filter((result) => result.structuredContent?.created === true)).toHaveLength(1);
    const refused = results.filter((result) => result.isError === true);
    expect(refused).toHaveLength(19);
    for (const result of refused)
      expect(result.structuredContent?.error).toMatchObject({ code: "time_conflict" });
    const listed = await tool("list_events", {
      customer_id: "user-123",
      time_min: `${day}T00:00:00Z`,
      time_max: `${day}T23:59:59Z`,
    });
    expect(listed.structuredContent?.events).toHaveLength(1);
  });
});

test("an instance whose database is unreachable exits 1 with a message naming it (not its password)", async () => {
  const closedPort = freePort();
  const { code, stderr } = await runFailingServer({
    CALENDAR_SERVER_API_KEYS: E2E_API_KEY,
    GOOGLE_OAUTH_CLIENT_ID: CLIENT_ID,
    GOOGLE_OAUTH_CLIENT_SECRET: CLIENT_SECRET,
    TOKEN_STORAGE_TYPE: "database",
    TOKEN_DATABASE_URL: `postgres://calendar:hunter2-secret@127.0.0.1:${closedPort}/calendar`,
    TOKEN_ENCRYPTION_KEY: generateEncryptionKey(),
  });
  expect(code).toBe(1);
  expect(stderr).toContain(
    `Start-up failed: The token store is unavailable: cannot open the PostgreSQL database postgres://calendar@127.0.0.1:${closedPort}/calendar`,
  );
  expect(stderr).not.toContain("hunter2-secret");
}, 20_000);
