import { z } from "zod";
import type { RetryPolicy } from "../adapters/google/outbound-call.ts";
import type { LogLevel } from "../adapters/logging/logger.ts";
import {
  InvalidEncryptionKeyError,
  isTrivialKey,
  parseEncryptionKey,
} from "../adapters/vault/encryption-keys.ts";
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
    /** /oauth/* requests per minute per API key, and per client address on the callback; 0 disables. */
    rateLimitOAuth: number;
    /** Google push notifications per channel per minute (per instance); 0 disables. */
    rateLimitPush: number;
    /** Tool calls running at once in this instance; up to 64 times as many more wait (a waiting call holds only its request). */
    maxConcurrentToolCalls: number;
    /** Least level of the JSON log lines written to stdout. */
    logLevel: LogLevel;
    /**
     * When set, a consent is held until the backend confirms it: the browser is sent here with
     * connect_code and customer_id, and the backend calls POST /oauth/confirm.
     */
    connectConfirmUrl: string | null;
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
    /**
     * GOOGLE_OAUTH_PREVIOUS_CLIENTS: clients this server switched away from; their customers'
     * grants keep working (refreshed with their own credentials) until the user reconnects.
     */
    previousClients: Array<{ clientId: string; clientSecret: string }>;
    /** Which Google service the calendar tools call: the Calendar REST API or Google's Calendar MCP server. */
    calendarBackend: "rest" | "mcp";
    calendarMcpUrl: string;
    /** Calendar requests a day before a warning is logged (at `budgetWarnRatio` of it); null: none. */
    dailyRequestBudget: number | null;
    budgetWarnRatio: number;
    /** Retries of calls to Google that are safe to repeat (OAuth refresh and revoke, Calendar). */
    retry: RetryPolicy;
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

export interface ConfigProblem {
  variable: string;
  problem: string;
}

/** Every problem found in the environment at once, each naming the variable the operator set. */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];
  /** The first problem's variable. */
  readonly variable: string;

  constructor(variable: string, problem: string);
  constructor(problems: ConfigProblem[]);
  constructor(first: string | ConfigProblem[], problem = "") {
    const problems = typeof first === "string" ? [{ variable: first, problem }] : first;
    super(problems.map((p) => `${p.variable}: ${p.problem}`).join("; "));
    this.name = "ConfigError";
    this.problems = problems;
    this.variable = problems[0]?.variable ?? "environment";
  }
}

export const GOOGLE_DEFAULTS = {
  authUrl: "https://accounts.google.com/o/oauth2/v2/auth",
  tokenUrl: "https://oauth2.googleapis.com/token",
  revokeUrl: "https://oauth2.googleapis.com/revoke",
  calendarApiUrl: "https://www.googleapis.com/",
  /** `/mcp/v1self` is Google's fallback for hosts without form elicitation (no approvals). */
  calendarMcpUrl: "https://calendarmcp.googleapis.com/mcp/v1",
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

const PORT_PROBLEM = "must be a whole number from 0 to 65535";
const port = z.coerce
  .number({ error: PORT_PROBLEM })
  .int(PORT_PROBLEM)
  .min(0, PORT_PROBLEM)
  .max(65535, PORT_PROBLEM);

const databaseUrl = optionalText.refine(
  (value) => value === undefined || (URL.canParse(value) && /^postgres(ql)?:$/.test(new URL(value).protocol)),
  "must be a postgres:// or postgresql:// URL",
);

/** A browser origin: scheme, host and optional port, nothing after it. */
const origins = list(/,/).refine(
  (values) => values.every(isOrigin),
  "every entry must be an origin such as https://app.example.com (scheme, host, optional port; no path)",
);

function isOrigin(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const parsed = new URL(value);
  return /^https?:$/.test(parsed.protocol) && parsed.origin === value.replace(/\/$/, "");
}

const environment = z.object({
  // Exact values only: "Production" or "prod" must not quietly start the sandbox.
  NODE_ENV: z
    .string()
    .trim()
    .transform((value) => (value === "" ? undefined : value))
    .pipe(
      z
        .enum(["production", "development", "test"], {
          error: "must be production, development or test (exactly, lowercase)",
        })
        .optional(),
    )
    .optional(),
  CALENDAR_SERVER_PORT: port.default(60000),
  CALENDAR_SERVER_HOSTNAME: optionalText,
  CALENDAR_SERVER_BASE_URL: url.optional(),
  CALENDAR_SERVER_API_KEYS: list(/,/)
    .refine((keys) => keys.every((key) => key.length >= 16), "every key must be at least 16 characters")
    // A key with a space or newline inside is a paste error; a client could never send it intact.
    .refine((keys) => keys.every((key) => !/\s/.test(key)), "a key must not contain whitespace"),
  CALENDAR_SERVER_ALLOWED_ORIGINS: origins,
  CALENDAR_SERVER_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(10_000_000).default(65536),
  // Google allows 600 Calendar requests a minute per user and 10,000 per project; a tool call
  // makes one to three of them.
  CALENDAR_SERVER_RATE_LIMIT_PER_CUSTOMER: z.coerce.number().int().min(0).max(1_000_000).default(120),
  CALENDAR_SERVER_RATE_LIMIT_PER_API_KEY: z.coerce.number().int().min(0).max(10_000_000).default(3000),
  // Connecting is rare: a person opens a link. This bounds scripted abuse of /oauth/*.
  CALENDAR_SERVER_RATE_LIMIT_OAUTH: z.coerce.number().int().min(0).max(10_000_000).default(300),
  // Google notifies once per change of a channel's calendar; one sync reads every change since
  // the last, so refused notifications (retried by Google later) lose nothing.
  CALENDAR_SERVER_RATE_LIMIT_PUSH: z.coerce.number().int().min(0).max(1_000_000).default(120),
  CALENDAR_SERVER_CONNECT_CONFIRM_URL: url.optional(),
  // Each running tool call holds a Google answer and its JSON: this bounds memory (docs/performance.md).
  CALENDAR_SERVER_MAX_CONCURRENT_CALLS: z.coerce.number().int().min(1).max(10_000).default(32),
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
  GOOGLE_OAUTH_PREVIOUS_CLIENTS: list(/,/).refine(
    (pairs) => pairs.every((pair) => /^[^:\s]+:\S+$/.test(pair)),
    "must be comma-separated client_id:client_secret pairs",
  ),
  GOOGLE_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  GOOGLE_CALENDAR_BACKEND: z.enum(["rest", "mcp"]).default("rest"),
  GOOGLE_CALENDAR_MCP_URL: url.default(GOOGLE_DEFAULTS.calendarMcpUrl),
  // Empty means unset (as .env.example leaves it).
  GOOGLE_DAILY_REQUEST_BUDGET: z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    z.coerce.number().int().min(1).max(1_000_000_000).optional(),
  ),
  GOOGLE_DAILY_REQUEST_BUDGET_WARN_RATIO: z.coerce.number().gt(0).max(1).default(0.8),
  GOOGLE_RETRY_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  GOOGLE_RETRY_BASE_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(250),
  GOOGLE_RETRY_MAX_DELAY_MS: z.coerce.number().int().min(0).max(120_000).default(4000),
  TOKEN_STORAGE_TYPE: z.enum(["sqlite", "encrypted_file", "database"]).default("sqlite"),
  TOKEN_DB_PATH: optionalText,
  TOKEN_VAULT_DIR: z.string().trim().min(1).default("./data/vault"),
  TOKEN_DATABASE_URL: databaseUrl,
  DATABASE_URL: databaseUrl,
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

/** @throws ConfigError naming every bad variable */
export function loadConfig(env: Record<string, string | undefined> = Bun.env): Config {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => ({
      variable: String(issue.path[0] ?? "environment"),
      problem: issue.message,
    }));
    throw new ConfigError(uniqueByVariable(problems));
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  const hasGoogleCredentials =
    e.GOOGLE_OAUTH_CLIENT_ID !== undefined || e.GOOGLE_OAUTH_CLIENT_SECRET !== undefined;
  const sandbox = !production && !hasGoogleCredentials;
  const port = e.CALENDAR_SERVER_PORT;
  const baseUrl = trimSlash(e.CALENDAR_SERVER_BASE_URL ?? `http://localhost:${port}`);

  const keyProblems: ConfigProblem[] = [];
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
      rateLimitOAuth: e.CALENDAR_SERVER_RATE_LIMIT_OAUTH,
      rateLimitPush: e.CALENDAR_SERVER_RATE_LIMIT_PUSH,
      maxConcurrentToolCalls: e.CALENDAR_SERVER_MAX_CONCURRENT_CALLS,
      logLevel: e.CALENDAR_SERVER_LOG_LEVEL,
      connectConfirmUrl: e.CALENDAR_SERVER_CONNECT_CONFIRM_URL ?? null,
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
      previousClients: e.GOOGLE_OAUTH_PREVIOUS_CLIENTS.map((pair) => {
        const colon = pair.indexOf(":");
        return { clientId: pair.slice(0, colon), clientSecret: pair.slice(colon + 1) };
      }),
      calendarBackend: e.GOOGLE_CALENDAR_BACKEND,
      calendarMcpUrl: e.GOOGLE_CALENDAR_MCP_URL,
      dailyRequestBudget: e.GOOGLE_DAILY_REQUEST_BUDGET ?? null,
      budgetWarnRatio: e.GOOGLE_DAILY_REQUEST_BUDGET_WARN_RATIO,
      retry: {
        attempts: e.GOOGLE_RETRY_ATTEMPTS,
        baseDelayMs: e.GOOGLE_RETRY_BASE_DELAY_MS,
        maxDelayMs: e.GOOGLE_RETRY_MAX_DELAY_MS,
      },
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
          : decodeKey("TOKEN_ENCRYPTION_KEY", e.TOKEN_ENCRYPTION_KEY, keyProblems),
      previousKeys: e.TOKEN_ENCRYPTION_PREVIOUS_KEYS.flatMap(
        (key) => decodeKey("TOKEN_ENCRYPTION_PREVIOUS_KEYS", key, keyProblems) ?? [],
      ),
    },
    dataDir: e.CALENDAR_SERVER_DATA_DIR,
    webhooks: webhookConfig(e, (variable, problem) => {
      throw new ConfigError(variable, problem);
    }),
    // Google's Calendar MCP server cannot push (no events.watch): that backend polls, every 15
    // minutes unless GOOGLE_CHANGE_POLL_SECONDS says otherwise (about 200 requests a customer a
    // day, where every 5 minutes would be about 600: bench section 6).
    changes: {
      pollSeconds:
        e.GOOGLE_CHANGE_POLL_SECONDS > 0 || e.GOOGLE_CALENDAR_BACKEND === "rest"
          ? e.GOOGLE_CHANGE_POLL_SECONDS
          : 900,
    },
  };
  const problems = uniqueByVariable([
    ...keyProblems,
    ...completenessProblems(config, {
      hasGoogleCredentials,
      redirectUriSet: e.GOOGLE_OAUTH_REDIRECT_URI !== undefined,
    }),
  ]);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function uniqueByVariable(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.variable) && seen.add(p.variable));
}

/** What must hold before the server may start: strict in production, sandbox otherwise. */
function completenessProblems(
  config: Config,
  facts: { hasGoogleCredentials: boolean; redirectUriSet: boolean },
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (variable: string, problem: string): void => {
    problems.push({ variable, problem });
  };
  const { google } = config;
  if (facts.hasGoogleCredentials && (google.clientId === "" || google.clientSecret === "")) {
    const missing = google.clientId === "" ? "GOOGLE_OAUTH_CLIENT_ID" : "GOOGLE_OAUTH_CLIENT_SECRET";
    add(missing, "is required when the other Google OAuth credential is set");
  }
  if (config.storage.type === "database" && config.storage.databaseUrl === null) {
    add("TOKEN_DATABASE_URL", "is required when TOKEN_STORAGE_TYPE=database (or set DATABASE_URL)");
  }
  if (!config.production) return problems;
  if (!facts.hasGoogleCredentials) {
    add("GOOGLE_OAUTH_CLIENT_ID", "is required in production (the sandbox is for development only)");
  }
  if (config.encryption.key === null) {
    add("TOKEN_ENCRYPTION_KEY", "is required in production (generate one: bun run cli keygen)");
  }
  if (config.encryption.key !== null && isTrivialKey(config.encryption.key)) {
    add(
      "TOKEN_ENCRYPTION_KEY",
      "is a trivial key (all zero, repeated or patterned bytes); generate a random one: bun run cli keygen",
    );
  }
  if (config.server.apiKeys.length === 0) {
    add("CALENDAR_SERVER_API_KEYS", "is required in production (at least one key)");
  }
  const httpsProblem = "must use https:// outside localhost (OAuth requires HTTPS)";
  const baseUrlInsecure = !isHttpsOrLoopback(config.server.baseUrl);
  if (baseUrlInsecure) add("CALENDAR_SERVER_BASE_URL", httpsProblem);
  // An unset redirect URI is derived from the base URL: the base URL is what the operator set.
  if (!isHttpsOrLoopback(google.redirectUri) && (facts.redirectUriSet || !baseUrlInsecure)) {
    add("GOOGLE_OAUTH_REDIRECT_URI", httpsProblem);
  }
  if (config.server.connectConfirmUrl !== null && !isHttpsOrLoopback(config.server.connectConfirmUrl)) {
    add("CALENDAR_SERVER_CONNECT_CONFIRM_URL", httpsProblem);
  }
  // Webhook bodies carry calendar data: not over plain HTTP off this machine.
  if (config.webhooks !== null && !isHttpsOrLoopback(config.webhooks.url)) {
    add("CALENDAR_SERVER_WEBHOOK_URL", httpsProblem);
  }
  return problems;
}

/** HTTPS is mandatory for OAuth, except on this machine's loopback. */
function isHttpsOrLoopback(value: string): boolean {
  const parsed = new URL(value);
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(parsed.hostname);
  return parsed.protocol === "https:" || loopback;
}

/** A 32-byte key (base64 or hex), or null with a problem that names the variable, never the key. */
function decodeKey(variable: string, text: string, problems: ConfigProblem[]): Uint8Array | null {
  try {
    return parseEncryptionKey(text);
  } catch (error) {
    const reason = error instanceof InvalidEncryptionKeyError ? error.message : "cannot be decoded";
    problems.push({
      variable,
      problem: `must decode (base64 or hex) to exactly 32 bytes: ${reason} (bun run cli keygen makes one)`,
    });
    return null;
  }
}

function trimSlash(value: string): string {
  return value.replace(/\/+$/, "");
}
