import { z } from "zod";
import type { LogLevel } from "../adapters/logging/logger.ts";
import { InvalidEncryptionKeyError, parseEncryptionKey } from "../adapters/vault/encryption-keys.ts";
import { WEBHOOK_VARIABLES, type WebhookConfig, webhookConfig } from "./webhook-config.ts";

export type { WebhookConfig } from "./webhook-config.ts";

/**
 * The server's whole configuration, parsed once from the environment at start-up. A bad value
 * stops start-up with one line naming the variable (`ConfigError`).
 */
export interface Config {
  production: boolean;
  /** No Google credentials outside production: run against the built-in Google emulator. */
  sandbox: boolean;
  server: {
    port: number;
    /** Interface to listen on: 127.0.0.1 in the sandbox, every interface otherwise. */
    hostname: string;
    /** Public URL of this server (for links and the default redirect URI). */
    baseUrl: string;
    apiKeys: string[];
    /** Origins allowed to call /mcp from a browser; any other Origin header is refused. */
    allowedOrigins: string[];
    /** Largest request body accepted, bytes. */
    maxBodyBytes: number;
    /** MCP tool calls per customer per minute (token bucket, per instance); 0 disables. */
    rateLimitPerCustomer: number;
    /** MCP requests per API key per minute (token bucket, per instance); 0 disables. */
    rateLimitPerApiKey: number;
    /** Least level of the JSON log lines written to stdout. */
    logLevel: LogLevel;
  };
  google: {
    clientId: string;
    clientSecret: string;
    redirectUri: string;
    authUrl: string;
    tokenUrl: string;
    revokeUrl: string;
    calendarApiUrl: string;
    scopes: string[];
    timeoutMs: number;
  };
  storage: {
    type: "sqlite" | "encrypted_file" | "database";
    sqlitePath: string;
    vaultDir: string;
    databaseUrl: string | null;
    /** PostgreSQL schema holding the tables (TOKEN_STORAGE_TYPE=database); created when missing. */
    databaseSchema: string;
    /** Connections each instance keeps for vault statements (locks use 2 × 4 more). */
    databasePoolSize: number;
  };
  encryption: {
    /** TOKEN_ENCRYPTION_KEY, decoded; null when unset (the sandbox then makes a development key). */
    key: Uint8Array | null;
    previousKeys: Uint8Array[];
  };
  /** Where the sandbox keeps its SQLite file, development key and API key. */
  dataDir: string;
  /** Signed webhooks to the AI backend; null (off) when CALENDAR_SERVER_WEBHOOK_URL is unset. */
  webhooks: WebhookConfig | null;
  /**
   * How calendar changes are found (only with webhooks on): Google's push channels, or reading
   * every `GOOGLE_CHANGE_POLL_SECONDS` for backends that cannot push.
   */
  changes: { pollSeconds: number };
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = "ConfigError";
  }
}

export const GOOGLE_DEFAULTS = {
  authUrl: "https://accounts.google.com/o/oauth2/v2/auth",
  tokenUrl: "https://oauth2.googleapis.com/token",
  revokeUrl: "https://oauth2.googleapis.com/revoke",
  calendarApiUrl: "https://www.googleapis.com/",
} as const;

/** The least the product needs: identity, events, free/busy, and the calendar list. Never `calendar`. */
export const DEFAULT_SCOPES = [
  "openid",
  "email",
  "https://www.googleapis.com/auth/calendar.events",
  "https://www.googleapis.com/auth/calendar.freebusy",
  "https://www.googleapis.com/auth/calendar.calendarlist.readonly",
];

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const url = z
  .string()
  .trim()
  .refine(
    (value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol),
    "must be an absolute http:// or https:// URL",
  );

const list = (separator: RegExp) =>
  z
    .string()
    .optional()
    .transform((value) =>
      (value ?? "")
        .split(separator)
        .map((item) => item.trim())
        .filter((item) => item !== ""),
    );

const port = z.coerce.number().int().min(0).max(65535);

const environment = z.object({
  NODE_ENV: optionalText,
  CALENDAR_SERVER_PORT: port.default(60000),
  CALENDAR_SERVER_HOSTNAME: optionalText,
  CALENDAR_SERVER_BASE_URL: url.optional(),
  CALENDAR_SERVER_API_KEYS: list(/,/).refine(
    (keys) => keys.every((key) => key.length >= 16),
    "every key must be at least 16 characters",
  ),
  CALENDAR_SERVER_ALLOWED_ORIGINS: list(/,/),
  CALENDAR_SERVER_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(10_000_000).default(65536),
  // Google allows 600 Calendar requests a minute per user and 10,000 per project; a tool call
  // makes one to three of them.
  CALENDAR_SERVER_RATE_LIMIT_PER_CUSTOMER: z.coerce.number().int().min(0).max(1_000_000).default(120),
  CALENDAR_SERVER_RATE_LIMIT_PER_API_KEY: z.coerce.number().int().min(0).max(10_000_000).default(3000),
  CALENDAR_SERVER_DATA_DIR: z.string().trim().min(1).default("./data"),
  // No line is logged below info, so debug is not offered.
  CALENDAR_SERVER_LOG_LEVEL: z.enum(["info", "warn", "error"]).default("info"),
  GOOGLE_OAUTH_CLIENT_ID: optionalText,
  GOOGLE_OAUTH_CLIENT_SECRET: optionalText,
  GOOGLE_OAUTH_REDIRECT_URI: url.optional(),
  GOOGLE_OAUTH_AUTH_URL: url.default(GOOGLE_DEFAULTS.authUrl),
  GOOGLE_OAUTH_TOKEN_URL: url.default(GOOGLE_DEFAULTS.tokenUrl),
  GOOGLE_OAUTH_REVOKE_URL: url.default(GOOGLE_DEFAULTS.revokeUrl),
  GOOGLE_CALENDAR_API_URL: url.default(GOOGLE_DEFAULTS.calendarApiUrl),
  GOOGLE_OAUTH_SCOPES: list(/\s+/).refine(
    (scopes) => !scopes.includes("https://www.googleapis.com/auth/calendar"),
    "the broad calendar scope is refused; use the narrow calendar.* scopes",
  ),
  GOOGLE_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  TOKEN_STORAGE_TYPE: z.enum(["sqlite", "encrypted_file", "database"]).default("sqlite"),
  TOKEN_DB_PATH: optionalText,
  TOKEN_VAULT_DIR: z.string().trim().min(1).default("./data/vault"),
  TOKEN_DATABASE_URL: optionalText,
  DATABASE_URL: optionalText,
  TOKEN_DATABASE_SCHEMA: z
    .string()
    .trim()
    .regex(
      /^[A-Za-z_][A-Za-z0-9_]{0,62}$/,
      "must be 1-63 letters, digits or underscores, not starting with a digit",
    )
    .default("public"),
  TOKEN_DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  TOKEN_ENCRYPTION_KEY: optionalText,
  TOKEN_ENCRYPTION_PREVIOUS_KEYS: list(/,/),
  ...WEBHOOK_VARIABLES,
});

/** @throws ConfigError naming the first bad variable */
export function loadConfig(env: Record<string, string | undefined> = Bun.env): Config {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(String(issue?.path[0] ?? "environment"), issue?.message ?? "invalid");
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  const hasGoogleCredentials =
    e.GOOGLE_OAUTH_CLIENT_ID !== undefined || e.GOOGLE_OAUTH_CLIENT_SECRET !== undefined;
  const sandbox = !production && !hasGoogleCredentials;
  const port = e.CALENDAR_SERVER_PORT;
  const baseUrl = trimSlash(e.CALENDAR_SERVER_BASE_URL ?? `http://localhost:${port}`);

  const config: Config = {
    production,
    sandbox,
    server: {
      port,
      hostname: e.CALENDAR_SERVER_HOSTNAME ?? (sandbox ? "127.0.0.1" : "0.0.0.0"),
      baseUrl,
      apiKeys: e.CALENDAR_SERVER_API_KEYS,
      allowedOrigins: e.CALENDAR_SERVER_ALLOWED_ORIGINS,
      maxBodyBytes: e.CALENDAR_SERVER_MAX_BODY_BYTES,
      rateLimitPerCustomer: e.CALENDAR_SERVER_RATE_LIMIT_PER_CUSTOMER,
      rateLimitPerApiKey: e.CALENDAR_SERVER_RATE_LIMIT_PER_API_KEY,
      logLevel: e.CALENDAR_SERVER_LOG_LEVEL,
    },
    google: {
      clientId: e.GOOGLE_OAUTH_CLIENT_ID ?? "",
      clientSecret: e.GOOGLE_OAUTH_CLIENT_SECRET ?? "",
      redirectUri: e.GOOGLE_OAUTH_REDIRECT_URI ?? `${baseUrl}/oauth/callback`,
      authUrl: e.GOOGLE_OAUTH_AUTH_URL,
      tokenUrl: e.GOOGLE_OAUTH_TOKEN_URL,
      revokeUrl: e.GOOGLE_OAUTH_REVOKE_URL,
      calendarApiUrl: e.GOOGLE_CALENDAR_API_URL,
      scopes: e.GOOGLE_OAUTH_SCOPES.length > 0 ? e.GOOGLE_OAUTH_SCOPES : DEFAULT_SCOPES,
      timeoutMs: e.GOOGLE_HTTP_TIMEOUT_MS,
    },
    storage: {
      type: e.TOKEN_STORAGE_TYPE,
      // The sandbox keeps everything in its data folder.
      sqlitePath: e.TOKEN_DB_PATH ?? (sandbox ? `${e.CALENDAR_SERVER_DATA_DIR}/tokens.db` : "tokens.db"),
      vaultDir: e.TOKEN_VAULT_DIR,
      databaseUrl: e.TOKEN_DATABASE_URL ?? e.DATABASE_URL ?? null,
      databaseSchema: e.TOKEN_DATABASE_SCHEMA,
      databasePoolSize: e.TOKEN_DATABASE_POOL_SIZE,
    },
    encryption: {
      key:
        e.TOKEN_ENCRYPTION_KEY === undefined
          ? null
          : decodeKey("TOKEN_ENCRYPTION_KEY", e.TOKEN_ENCRYPTION_KEY),
      previousKeys: e.TOKEN_ENCRYPTION_PREVIOUS_KEYS.map((key) =>
        decodeKey("TOKEN_ENCRYPTION_PREVIOUS_KEYS", key),
      ),
    },
    dataDir: e.CALENDAR_SERVER_DATA_DIR,
    webhooks: webhookConfig(e, (variable, problem) => {
      throw new ConfigError(variable, problem);
    }),
    changes: { pollSeconds: e.GOOGLE_CHANGE_POLL_SECONDS },
  };
  checkCompleteness(config, hasGoogleCredentials);
  return config;
}

/** What must hold before the server may start: strict in production, sandbox otherwise. */
function checkCompleteness(config: Config, hasGoogleCredentials: boolean): void {
  const { google } = config;
  if (hasGoogleCredentials && (google.clientId === "" || google.clientSecret === "")) {
    const missing = google.clientId === "" ? "GOOGLE_OAUTH_CLIENT_ID" : "GOOGLE_OAUTH_CLIENT_SECRET";
    throw new ConfigError(missing, "is required when the other Google OAuth credential is set");
  }
  if (config.storage.type === "database" && config.storage.databaseUrl === null) {
    throw new ConfigError(
      "TOKEN_DATABASE_URL",
      "is required when TOKEN_STORAGE_TYPE=database (or set DATABASE_URL)",
    );
  }
  if (!config.production) return;
  if (!hasGoogleCredentials) {
    throw new ConfigError(
      "GOOGLE_OAUTH_CLIENT_ID",
      "is required in production (the sandbox is for development only)",
    );
  }
  if (config.encryption.key === null) {
    throw new ConfigError(
      "TOKEN_ENCRYPTION_KEY",
      "is required in production (generate one: bun run cli keygen)",
    );
  }
  if (config.server.apiKeys.length === 0) {
    throw new ConfigError("CALENDAR_SERVER_API_KEYS", "is required in production (at least one key)");
  }
  requireHttps("GOOGLE_OAUTH_REDIRECT_URI", google.redirectUri);
  requireHttps("CALENDAR_SERVER_BASE_URL", config.server.baseUrl);
  // Webhook bodies carry calendar data: not over plain HTTP off this machine.
  if (config.webhooks !== null) requireHttps("CALENDAR_SERVER_WEBHOOK_URL", config.webhooks.url);
}

/** HTTPS is mandatory for OAuth, except on this machine's loopback. */
function requireHttps(variable: string, value: string): void {
  const parsed = new URL(value);
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(parsed.hostname);
  if (parsed.protocol !== "https:" && !loopback) {
    throw new ConfigError(variable, "must use https:// outside localhost (OAuth requires HTTPS)");
  }
}

/** A 32-byte key (base64 or hex); the error names the variable, never the key. */
function decodeKey(variable: string, text: string): Uint8Array {
  try {
    return parseEncryptionKey(text);
  } catch (error) {
    const reason = error instanceof InvalidEncryptionKeyError ? error.message : "cannot be decoded";
    throw new ConfigError(
      variable,
      `must decode (base64 or hex) to exactly 32 bytes: ${reason} (bun run cli keygen makes one)`,
    );
  }
}

function trimSlash(value: string): string {
  return value.replace(/\/+$/, "");
}
