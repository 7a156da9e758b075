import { describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { z } from "zod";
import { createHttpApp } from "../../../src/adapters/http/http-app.ts";
import {
  authorizeRequest,
  authorizeResponse,
  disconnectRequest,
  disconnectResponse,
  errorResponse,
} from "../../../src/adapters/http/http-schemas.ts";
import { buildOpenApiDocument, openApiApp } from "../../../src/adapters/http/openapi.ts";
import { MemoryLogger } from "../../../src/adapters/logging/logger.ts";
import { statusResponse } from "../../../src/adapters/shared/connection-status.ts";
import { generateEncryptionKey } from "../../../src/adapters/vault/encryption-keys.ts";
import { newWebhookSecret } from "../../../src/adapters/webhooks/webhook-signature.ts";
import { composeServer } from "../../../src/app/compose.ts";
import { loadConfig } from "../../../src/app/config.ts";
import { parseCustomerId } from "../../../src/domain/customer-id.ts";
import { ConnectCalendar } from "../../../src/domain/services/connect-calendar.ts";
import { DisconnectCalendar } from "../../../src/domain/services/disconnect-calendar.ts";
import { GetConnectionStatus } from "../../../src/domain/services/get-connection-status.ts";
import { fakeWorld } from "../../domain/connection-fixtures.ts";
import { httpWorld } from "./http-fixtures.ts";

type Operation = {
  operationId: string;
  security?: unknown[];
  requestBody?: { content: Record<string, { schema: { $ref: string } }> };
  responses: Record<string, unknown>;
};

const doc = buildOpenApiDocument({ serverUrl: "https://calendar.example.com" });
const paths = doc.paths as Record<string, Record<string, Operation>>;
const schemas = (doc.components as { schemas: Record<string, unknown> }).schemas;

const ENDPOINTS = [
  "POST /oauth/authorize",
  "GET /oauth/authorize",
  "GET /oauth/callback",
  "GET /oauth/status/{customer_id}",
  "POST /oauth/disconnect",
  "POST /oauth/confirm",
  "GET /healthz",
  "POST /mcp",
  "GET /mcp",
  "GET /metrics",
  "POST /google/notifications",
];
const PUBLIC = ["GET /oauth/callback", "GET /healthz", "POST /google/notifications"];

function operation(endpoint: string): Operation {
  const [method = "", route = ""] = endpoint.split(" ");
  const found = paths[route]?.[method.toLowerCase()];
  if (found === undefined) throw new Error(`${endpoint} is not documented`);
  return found;
}

function withoutDialect(schema: z.ZodType, io: "input" | "output"): unknown {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io });
  return rest;
}

/** Every `$ref` anywhere in the document. */
function refs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refs);
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([name, inner]) =>
    name === "$ref" && typeof inner === "string" ? [inner] : refs(inner),
  );
}

describe("GET /openapi.json", () => {
  test("is an OpenAPI 3.1 document describing exactly the server's endpoints", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers).toEqual([{ url: "https://calendar.example.com" }]);
    const documented = Object.entries(paths).flatMap(([route, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${route}`),
    );
    expect(documented.sort()).toEqual([...ENDPOINTS].sort());
    const ids = ENDPOINTS.map((endpoint) => operation(endpoint).operationId);
    expect(new Set(ids).size).toBe(ENDPOINTS.length);
  });

  test("the documented OAuth routes are the routes the HTTP app really has", () => {
    const { app } = httpWorld();
    const real = new Set(app.routes.map((route) => `${route.method} ${route.path}`));
    for (const endpoint of ENDPOINTS.filter((e) => e.includes("/oauth/") || e.includes("/healthz"))) {
      expect(real.has(endpoint.replace("{customer_id}", ":customer_id"))).toBe(true);
    }
  });

  test("request and response schemas are generated from the zod schemas the routes validate with", () => {
    expect(operation("POST /oauth/authorize").requestBody?.content["application/json"]?.schema).toEqual({
      $ref: "#/components/schemas/AuthorizeRequest",
    });
    expect(operation("POST /oauth/disconnect").requestBody?.content["application/json"]?.schema).toEqual({
      $ref: "#/components/schemas/DisconnectRequest",
    });
    expect(schemas.AuthorizeRequest).toEqual(withoutDialect(authorizeRequest, "input"));
    expect(schemas.DisconnectRequest).toEqual(withoutDialect(disconnectRequest, "input"));
    expect(schemas.AuthorizeResponse).toEqual(withoutDialect(authorizeResponse, "output"));
    expect(schemas.DisconnectResponse).toEqual(withoutDialect(disconnectResponse, "output"));
    expect(schemas.StatusResponse).toEqual(withoutDialect(statusResponse, "output"));
    expect(schemas.Error).toEqual(withoutDialect(errorResponse, "output"));
    expect(schemas.AuthorizeRequest).toMatchObject({
      type: "object",
      required: ["customer_id"],
      properties: { login_hint: { type: "string", format: "email" } },
    });
    for (const ref of refs(doc)) {
      expect(ref).toStartWith("#/components/schemas/");
      expect(schemas[ref.slice("#/components/schemas/".length)]).toBeDefined();
    }
    expect(JSON.stringify(doc)).not.toContain("$schema");
  });

  test("bearer API keys everywhere except the callback, the health check and Google's notifications", () => {
    expect(doc.components).toMatchObject({
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } },
    });
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    for (const endpoint of PUBLIC) expect(operation(endpoint).security).toEqual([]);
    for (const endpoint of ENDPOINTS.filter((e) => !PUBLIC.includes(e))) {
      expect(operation(endpoint).security).toBeUndefined();
      expect(operation(endpoint).responses["401"]).toBeDefined();
    }
  });

  test("is served as JSON without an API key when mounted as a public app", async () => {
    const world = fakeWorld();
    const app = createHttpApp({
      connect: new ConnectCalendar(world),
      disconnect: new DisconnectCalendar(world),
      status: new GetConnectionStatus(world),
      logger: new MemoryLogger(),
      apiKeys: ["some-api-key-0123456789"],
      maxBodyBytes: 4096,
      health: async () => ({ ok: true, checks: {} }),
      publicApps: { "/openapi.json": openApiApp({ serverUrl: "http://localhost:60000" }) },
    });
    const response = await app.request("/openapi.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toStartWith("application/json");
    expect(await response.json()).toEqual(
      JSON.parse(JSON.stringify(buildOpenApiDocument({ serverUrl: "http://localhost:60000" }))),
    );
  });

  test("the composed server serves it, naming its own base URL", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openapi-"));
    const config = loadConfig({
      CALENDAR_SERVER_BASE_URL: "http://127.0.0.1:61234",
      CALENDAR_SERVER_API_KEYS: "composed-api-key-0123456789",
      TOKEN_DB_PATH: path.join(dir, "tokens.db"),
      TOKEN_ENCRYPTION_KEY: generateEncryptionKey(),
    });
    const composed = await composeServer(config, { logger: new MemoryLogger() });
    try {
      const response = await composed.app.request("/openapi.json");
      expect(response.status).toBe(200);
      const body = (await response.json()) as { servers: unknown; paths: Record<string, unknown> };
      expect(body.servers).toEqual([{ url: "http://127.0.0.1:61234" }]);
      expect(Object.keys(body.paths)).toContain("/oauth/status/{customer_id}");
    } finally {
      await composed.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("every status the real /mcp answers is documented for it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openapi-mcp-"));
    const key = "composed-api-key-0123456789";
    const config = loadConfig({
      CALENDAR_SERVER_API_KEYS: key,
      CALENDAR_SERVER_RATE_LIMIT_PER_API_KEY: "5",
      TOKEN_DB_PATH: path.join(dir, "tokens.db"),
      TOKEN_ENCRYPTION_KEY: generateEncryptionKey(),
    });
    const composed = await composeServer(config, { logger: new MemoryLogger() });
    const ping = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" });
    const call = (method: string, headers: Record<string, string>, body?: string) =>
      composed.app.request("/mcp", { method, headers: { authorization: `Bearer ${key}`, ...headers }, body });
    try {
      const seen: Array<[string, number]> = [
        ["post", (await composed.app.request("/mcp", { method: "POST", body: ping })).status],
        ["post", (await call("POST", { "content-type": "text/plain" }, ping)).status],
        [
          "post",
          (await call("POST", { "content-type": "application/json", accept: "text/html" }, ping)).status,
        ],
        [
          "post",
          (await call("POST", { "content-type": "application/json", origin: "https://evil.example" }, ping))
            .status,
        ],
        ["get", (await call("GET", {})).status],
      ];
      let limited = 0;
      for (let i = 0; i < 10 && limited !== 429; i += 1) {
        limited = (await call("POST", { "content-type": "application/json" }, ping)).status;
      }
      seen.push(["post", limited]);
      // The README's words for a bad key on /mcp: an HTTP error body, not a JSON-RPC object.
      const wrongKey = await composed.app.request("/mcp", {
        method: "POST",
        headers: { authorization: "Bearer not-the-key-0123456789", "content-type": "application/json" },
        body: ping,
      });
      expect(wrongKey.status).toBe(401);
      expect(wrongKey.headers.get("www-authenticate")).toBe(
        'Bearer realm="mcp-calendar", error="invalid_token"',
      );
      expect(await wrongKey.json()).toEqual({ error: { code: "unauthorized", message: "Invalid API key" } });
      expect(seen.map(([, status]) => status).sort()).toEqual([401, 403, 405, 406, 415, 429]);
      for (const [method, status] of seen) {
        expect(Object.keys(paths["/mcp"]?.[method]?.responses ?? {})).toContain(String(status));
      }
    } finally {
      await composed.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("Google's notifications: every header Google sends is described, and every status the real endpoint answers", async () => {
    const notifications = operation("POST /google/notifications") as Operation & {
      parameters: Array<{ name: string; in: string; required: boolean }>;
      responses: Record<string, { headers?: Record<string, unknown> }>;
    };
    expect(notifications.parameters.map((p) => [p.name, p.in, p.required])).toEqual([
      ["X-Goog-Channel-ID", "header", true],
      ["X-Goog-Channel-Token", "header", false],
      ["X-Goog-Resource-ID", "header", false],
      ["X-Goog-Resource-State", "header", true],
      ["X-Goog-Message-Number", "header", false],
      ["X-Goog-Channel-Expiration", "header", false],
    ]);
    expect(notifications.responses["503"]?.headers).toHaveProperty("Retry-After");

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openapi-push-"));
    const env = {
      CALENDAR_SERVER_API_KEYS: "composed-api-key-0123456789",
      TOKEN_ENCRYPTION_KEY: generateEncryptionKey(),
      GOOGLE_CALENDAR_BACKEND: "rest",
    };
    const pushing = await composeServer(
      loadConfig({
        ...env,
        TOKEN_DB_PATH: path.join(dir, "push.db"),
        CALENDAR_SERVER_WEBHOOK_URL: "http://127.0.0.1:9/hooks",
        CALENDAR_SERVER_WEBHOOK_SECRET: newWebhookSecret(),
        CALENDAR_SERVER_RATE_LIMIT_PUSH: "2",
      }),
      { logger: new MemoryLogger() },
    );
    const quiet = await composeServer(loadConfig({ ...env, TOKEN_DB_PATH: path.join(dir, "quiet.db") }), {
      logger: new MemoryLogger(),
    });
    try {
      const channel = { id: "ch-documented", token: "channel-secret", resourceId: "res-1" };
      await pushing.storage.tracked.put({
        customerId: parseCustomerId("acme-1"),
        calendarId: "primary",
        syncToken: "sync-1",
        seen: {},
        channel: { ...channel, expiration: new Date(Date.now() + 86_400_000) },
        checkedAt: new Date(),
      });
      const notify = (server: typeof pushing, headers: Record<string, string>) =>
        server.app.request("/google/notifications", { method: "POST", headers });
      // Google's sync message: acknowledged, nothing synced (no call to Google).
      const sync = {
        "X-Goog-Channel-ID": channel.id,
        "X-Goog-Channel-Token": channel.token,
        "X-Goog-Resource-ID": channel.resourceId,
        "X-Goog-Resource-State": "sync",
        "X-Goog-Message-Number": "1",
        "X-Goog-Channel-Expiration": new Date(Date.now() + 86_400_000).toUTCString(),
      };
      const seen = [
        (await notify(pushing, {})).status,
        (await notify(pushing, sync)).status,
        (await notify(pushing, { ...sync, "X-Goog-Channel-Token": "guessed" })).status,
        // The channel's budget of 2 is spent.
        (await notify(pushing, sync)).status,
        (await notify(quiet, sync)).status,
      ];
      expect(seen).toEqual([400, 200, 401, 503, 404]);
      for (const status of seen) expect(Object.keys(notifications.responses)).toContain(String(status));
    } finally {
      await pushing.close();
      await quiet.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
