import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { ConfigError, DEFAULT_SCOPES, loadConfig } from "../../src/app/config.ts";

const KEY = createHash("sha256").update("config test key").digest("base64");
const API_KEY = "k".repeat(32);
const production = {
  NODE_ENV: "production",
  GOOGLE_OAUTH_CLIENT_ID: "id.apps.googleusercontent.com",
  GOOGLE_OAUTH_CLIENT_SECRET: "secret",
  GOOGLE_OAUTH_REDIRECT_URI: "https://calendar.example.com/oauth/callback",
  CALENDAR_SERVER_BASE_URL: "https://calendar.example.com",
  TOKEN_ENCRYPTION_KEY: KEY,
  CALENDAR_SERVER_API_KEYS: API_KEY,
};

function failure(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("config was accepted");
}

describe("configuration", () => {
  test("an empty environment is the sandbox, with the seed's defaults", () => {
    const config = loadConfig({});
    expect(config.sandbox).toBe(true);
    expect(config.server.port).toBe(60000);
    expect(config.storage.type).toBe("sqlite");
    expect(config.storage.sqlitePath).toBe("./data/tokens.db");
    expect(config.google.scopes).toEqual(DEFAULT_SCOPES);
    expect(config.google.scopes).not.toContain("https://www.googleapis.com/auth/calendar");
    expect(config.google.tokenUrl).toBe("https://oauth2.googleapis.com/token");
    expect(config.google.redirectUri).toBe("http://localhost:60000/oauth/callback");
  });

  test("a complete production environment loads", () => {
    const config = loadConfig({ ...production, CALENDAR_SERVER_API_KEYS: `${API_KEY}, ${"n".repeat(20)}` });
    expect(config.sandbox).toBe(false);
    expect(config.server.apiKeys).toHaveLength(2);
    expect(config.encryption.key).toHaveLength(32);
    expect(config.storage.sqlitePath).toBe("tokens.db");
  });

  test("keys decode from base64, url-safe base64 and hex", () => {
    const hex = Buffer.alloc(32, 255).toString("hex");
    const urlSafe = Buffer.alloc(32, 251).toString("base64url");
    expect(loadConfig({ TOKEN_ENCRYPTION_KEY: hex }).encryption.key?.[0]).toBe(255);
    expect(loadConfig({ TOKEN_ENCRYPTION_KEY: urlSafe }).encryption.key?.[0]).toBe(251);
    expect(
      loadConfig({ TOKEN_ENCRYPTION_PREVIOUS_KEYS: `${hex},${KEY}` }).encryption.previousKeys,
    ).toHaveLength(2);
  });

  test.each([
    [{ TOKEN_ENCRYPTION_KEY: "short" }, "TOKEN_ENCRYPTION_KEY: must decode"],
    [{ TOKEN_ENCRYPTION_KEY: Buffer.alloc(31).toString("base64") }, "TOKEN_ENCRYPTION_KEY: must decode"],
    [{ TOKEN_ENCRYPTION_PREVIOUS_KEYS: `${KEY},nope` }, "TOKEN_ENCRYPTION_PREVIOUS_KEYS: must decode"],
    [{ CALENDAR_SERVER_PORT: "seventy" }, "CALENDAR_SERVER_PORT:"],
    [{ CALENDAR_SERVER_PORT: "70000" }, "CALENDAR_SERVER_PORT:"],
    [{ TOKEN_STORAGE_TYPE: "redis" }, "TOKEN_STORAGE_TYPE:"],
    [{ TOKEN_STORAGE_TYPE: "database" }, "TOKEN_DATABASE_URL: is required"],
    [{ GOOGLE_OAUTH_TOKEN_URL: "not a url" }, "GOOGLE_OAUTH_TOKEN_URL: must be an absolute http"],
    [{ CALENDAR_SERVER_API_KEYS: "short" }, "CALENDAR_SERVER_API_KEYS: every key must be at least 16"],
    [
      { GOOGLE_OAUTH_SCOPES: "openid https://www.googleapis.com/auth/calendar" },
      "GOOGLE_OAUTH_SCOPES: the broad",
    ],
    [{ GOOGLE_OAUTH_CLIENT_ID: "only-the-id" }, "GOOGLE_OAUTH_CLIENT_SECRET: is required"],
  ])("%p stops start-up naming the variable", (env, message) => {
    const line = failure(env as Record<string, string>);
    expect(line).toStartWith(message);
    expect(line).not.toContain("\n");
  });

  test.each([
    ["GOOGLE_OAUTH_CLIENT_ID", { GOOGLE_OAUTH_CLIENT_ID: "", GOOGLE_OAUTH_CLIENT_SECRET: "" }],
    ["TOKEN_ENCRYPTION_KEY", { TOKEN_ENCRYPTION_KEY: "" }],
    ["CALENDAR_SERVER_API_KEYS", { CALENDAR_SERVER_API_KEYS: "" }],
    [
      "GOOGLE_OAUTH_REDIRECT_URI",
      { GOOGLE_OAUTH_REDIRECT_URI: "http://calendar.example.com/oauth/callback" },
    ],
    ["CALENDAR_SERVER_BASE_URL", { CALENDAR_SERVER_BASE_URL: "http://calendar.example.com" }],
  ])("production refuses to start without %s", (variable, override) => {
    expect(failure({ ...production, ...override })).toStartWith(`${variable}:`);
  });

  test("production accepts http:// on localhost", () => {
    const config = loadConfig({
      ...production,
      GOOGLE_OAUTH_REDIRECT_URI: "http://127.0.0.1:60000/oauth/callback",
      CALENDAR_SERVER_BASE_URL: "http://localhost:60000",
    });
    expect(config.production).toBe(true);
  });

  test("every bad variable is reported at once, each by its own name", () => {
    try {
      loadConfig({
        CALENDAR_SERVER_PORT: "seventy",
        CALENDAR_SERVER_LOG_LEVEL: "verbose",
        CALENDAR_SERVER_ALLOWED_ORIGINS: "https://app.example.com/path",
        TOKEN_DATABASE_URL: "mysql://db/x",
      });
      throw new Error("config was accepted");
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const variables = (error as ConfigError).problems.map((p) => p.variable).sort();
      expect(variables).toEqual([
        "CALENDAR_SERVER_ALLOWED_ORIGINS",
        "CALENDAR_SERVER_LOG_LEVEL",
        "CALENDAR_SERVER_PORT",
        "TOKEN_DATABASE_URL",
      ]);
    }
    const production3 = failure({
      ...production,
      TOKEN_ENCRYPTION_KEY: "short",
      CALENDAR_SERVER_API_KEYS: "",
      GOOGLE_OAUTH_REDIRECT_URI: "http://calendar.example.com/oauth/callback",
    });
    expect(production3).toContain("TOKEN_ENCRYPTION_KEY: must decode");
    expect(production3).toContain("CALENDAR_SERVER_API_KEYS: is required in production");
    expect(production3).toContain("GOOGLE_OAUTH_REDIRECT_URI: must use https://");
  });

  test("CALENDAR_SERVER_RATE_LIMIT_PUSH: 120 Google notifications a channel a minute by default, 0 disables", () => {
    expect(loadConfig({}).server.rateLimitPush).toBe(120);
    expect(loadConfig({ CALENDAR_SERVER_RATE_LIMIT_PUSH: "0" }).server.rateLimitPush).toBe(0);
    expect(loadConfig({ CALENDAR_SERVER_RATE_LIMIT_PUSH: "30" }).server.rateLimitPush).toBe(30);
    expect(failure({ CALENDAR_SERVER_RATE_LIMIT_PUSH: "-1" })).toContain("CALENDAR_SERVER_RATE_LIMIT_PUSH");
    expect(failure({ CALENDAR_SERVER_RATE_LIMIT_PUSH: "many" })).toContain("CALENDAR_SERVER_RATE_LIMIT_PUSH");
  });

  test("an http:// base URL is blamed on CALENDAR_SERVER_BASE_URL, not on the redirect URI derived from it", () => {
    const { GOOGLE_OAUTH_REDIRECT_URI: _unset, ...withoutRedirect } = production;
    const message = failure({ ...withoutRedirect, CALENDAR_SERVER_BASE_URL: "http://calendar.example.com" });
    expect(message).toBe(
      "CALENDAR_SERVER_BASE_URL: must use https:// outside localhost (OAuth requires HTTPS)",
    );
  });

  test("TOKEN_DATABASE_URL must be a PostgreSQL URL; allowed origins must be bare origins", () => {
    expect(failure({ TOKEN_DATABASE_URL: "not a url" })).toContain("TOKEN_DATABASE_URL");
    expect(failure({ DATABASE_URL: "https://db.example.com" })).toContain("DATABASE_URL");
    expect(loadConfig({ TOKEN_DATABASE_URL: "postgresql://u@127.0.0.1:5432/test" }).storage.databaseUrl).toBe(
      "postgresql://u@127.0.0.1:5432/test",
    );
    expect(failure({ CALENDAR_SERVER_ALLOWED_ORIGINS: "app.example.com" })).toContain(
      "CALENDAR_SERVER_ALLOWED_ORIGINS",
    );
    expect(
      loadConfig({ CALENDAR_SERVER_ALLOWED_ORIGINS: "https://app.example.com, http://localhost:3000" }).server
        .allowedOrigins,
    ).toEqual(["https://app.example.com", "http://localhost:3000"]);
  });

  test("GOOGLE_OAUTH_PREVIOUS_CLIENTS: client_id:client_secret pairs", () => {
    expect(
      loadConfig({ GOOGLE_OAUTH_PREVIOUS_CLIENTS: "a.apps.googleusercontent.com:s3cr:et, b:c" }).google
        .previousClients,
    ).toEqual([
      { clientId: "a.apps.googleusercontent.com", clientSecret: "s3cr:et" },
      { clientId: "b", clientSecret: "c" },
    ]);
    expect(loadConfig({}).google.previousClients).toEqual([]);
    expect(failure({ GOOGLE_OAUTH_PREVIOUS_CLIENTS: "no-secret" })).toContain(
      "GOOGLE_OAUTH_PREVIOUS_CLIENTS",
    );
  });
});
