import { MemoryLogger } from "../../src/adapters/logging/logger.ts";
import { generateEncryptionKey } from "../../src/adapters/vault/encryption-keys.ts";
import { loadConfig } from "../../src/app/config.ts";
import { type RunningServer, startServer } from "../../src/app/server.ts";
import {
  type RunningGoogleEmulator,
  startGoogleEmulator,
} from "../../tools/google-emulator/src/google-emulator.ts";
import { adminClient, newSchemaName, TEST_DATABASE_URL } from "../adapters/postgres/postgres-fixtures.ts";
import { CLIENT_ID, CLIENT_SECRET, consent, E2E_API_KEY, freePort } from "./e2e-fixtures.ts";

export type Backend = "rest" | "mcp";
export const ANA = "ana.garcia@example.com";
export const OLD_CLIENT_ID = "e2e-old-client.apps.googleusercontent.com";
export const OLD_CLIENT_SECRET = "e2e-old-client-secret";

export interface ToolResult {
  isError?: boolean;
  structuredContent?: Record<string, unknown> & { error?: Record<string, unknown> };
}

/** One server instance of a backend stack, and the seed's plain JSON-RPC call to it. */
export interface Instance {
  server: RunningServer;
  url: string;
  tool(name: string, args: Record<string, unknown>): Promise<ToolResult>;
}

export interface BackendStack {
  backend: Backend;
  emulator: RunningGoogleEmulator;
  /** Two instances on one PostgreSQL schema. */
  a: Instance;
  b: Instance;
  /** One more instance on the same schema, configured with the old OAuth client only. */
  startOldClientInstance(): Promise<Instance>;
  connect(instance: Instance, customerId: string): Promise<void>;
  /** Calendar REST calls and Calendar MCP tool calls the emulator has answered so far. */
  googleCalls(): { rest: number; mcp: number };
  stop(): Promise<void>;
}

/**
 * The real server, twice, on one PostgreSQL schema, against one Google emulator whose REST API
 * and Calendar MCP server share their state; `backend` says which of the two the servers call.
 */
export async function startBackendStack(backend: Backend): Promise<BackendStack> {
  const emulator = await startGoogleEmulator({
    clients: [
      { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [] },
      { clientId: OLD_CLIENT_ID, clientSecret: OLD_CLIENT_SECRET, redirectUris: [] },
    ],
    accounts: [
      { email: ANA, name: "Ana García", timeZone: "Europe/Madrid" },
      { email: "sam.lee@example.com", name: "Sam Lee", timeZone: "America/New_York" },
    ],
    options: { autoApproveEmail: ANA },
  });
  const schema = newSchemaName();
  const encryptionKey = generateEncryptionKey();
  const servers: RunningServer[] = [];
  const start = async (env: Record<string, string>): Promise<Instance> => {
    const port = freePort();
    const config = loadConfig({
      CALENDAR_SERVER_PORT: String(port),
      CALENDAR_SERVER_BASE_URL: `http://127.0.0.1:${port}`,
      CALENDAR_SERVER_API_KEYS: E2E_API_KEY,
      CALENDAR_SERVER_RATE_LIMIT_PER_CUSTOMER: "0",
      GOOGLE_OAUTH_CLIENT_ID: CLIENT_ID,
      GOOGLE_OAUTH_CLIENT_SECRET: CLIENT_SECRET,
      GOOGLE_OAUTH_PREVIOUS_CLIENTS: `${OLD_CLIENT_ID}:${OLD_CLIENT_SECRET}`,
      GOOGLE_OAUTH_AUTH_URL: `${emulator.url}/o/oauth2/v2/auth`,
      GOOGLE_OAUTH_TOKEN_URL: `${emulator.url}/token`,
      GOOGLE_OAUTH_REVOKE_URL: `${emulator.url}/revoke`,
      GOOGLE_CALENDAR_API_URL: `${emulator.url}/`,
      GOOGLE_CALENDAR_MCP_URL: `${emulator.url}/mcp/v1`,
      GOOGLE_CALENDAR_BACKEND: backend,
      TOKEN_STORAGE_TYPE: "database",
      TOKEN_DATABASE_URL: TEST_DATABASE_URL,
      TOKEN_DATABASE_SCHEMA: schema,
      TOKEN_DATABASE_POOL_SIZE: "4",
      GOOGLE_HTTP_TIMEOUT_MS: "1000",
      TOKEN_ENCRYPTION_KEY: encryptionKey,
      ...env,
    });
    const server = await startServer(config, { logger: new MemoryLogger() });
    servers.push(server);
    return instance(server);
  };
  const a = await start({});
  const b = await start({});
  const sum = (counts: Map<string, number>): number => [...counts.values()].reduce((x, y) => x + y, 0);
  return {
    backend,
    emulator,
    a,
    b,
    startOldClientInstance: () =>
      start({
        GOOGLE_OAUTH_CLIENT_ID: OLD_CLIENT_ID,
        GOOGLE_OAUTH_CLIENT_SECRET: OLD_CLIENT_SECRET,
        GOOGLE_OAUTH_PREVIOUS_CLIENTS: "",
      }),
    connect: async (target, customerId) => {
      const started = await target.tool("connect_calendar", { customer_id: customerId });
      const url = started.structuredContent?.authorization_url;
      if (typeof url !== "string") throw new Error(`no authorization_url: ${JSON.stringify(started)}`);
      const answer = await consent(url);
      if (answer.status !== 200) throw new Error(`consent failed: HTTP ${answer.status}`);
    },
    googleCalls: () => ({
      rest: sum(emulator.state.counters.calendarCalls),
      mcp: sum(emulator.state.counters.mcpCalls),
    }),
    stop: async () => {
      for (const server of servers) await server.stop();
      await emulator.stop();
      const admin = adminClient();
      await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.close();
    },
  };
}

function instance(server: RunningServer): Instance {
  return {
    server,
    url: server.url,
    tool: async (name, args) => {
      const response = await fetch(`${server.url}/mcp`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${E2E_API_KEY}`,
          "content-type": "application/json",
          accept: "*/*",
        },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "tools/call",
          params: { name, arguments: args },
        }),
      });
      const body = (await response.json()) as { result?: ToolResult; error?: unknown };
      if (response.status !== 200 || body.result === undefined) {
        throw new Error(`HTTP ${response.status}: ${JSON.stringify(body)}`);
      }
      return body.result;
    },
  };
}
