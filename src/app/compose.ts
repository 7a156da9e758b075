import { createHmac } from "node:crypto";
import type { Hono } from "hono";
import { ArcticGoogleOAuthProvider } from "../adapters/google/arctic-oauth-provider.ts";
import { GoogleCalendarGateway } from "../adapters/google/google-calendar-gateway.ts";
import type { GoogleCallObserver } from "../adapters/google/google-call-observer.ts";
import { GoogleMcpCalendarGateway } from "../adapters/google-mcp/google-mcp-calendar-gateway.ts";
import { createHttpApp, type HealthReport } from "../adapters/http/http-app.ts";
import { openApiApp } from "../adapters/http/openapi.ts";
import { JsonLineLogger, type Logger } from "../adapters/logging/logger.ts";
import { createMcpApp } from "../adapters/mcp/mcp-app.ts";
import type { McpServices } from "../adapters/mcp/tool-definition.ts";
import { GoogleRequestBudget } from "../adapters/metrics/google-request-budget.ts";
import { metricsApp } from "../adapters/metrics/metrics-app.ts";
import { ServerMetrics } from "../adapters/metrics/server-metrics.ts";
import type { AppEnv } from "../adapters/shared/app-env.ts";
import { ConcurrencyLimiter } from "../adapters/shared/concurrency-limiter.ts";
import { TokenBucketRateLimiter } from "../adapters/shared/rate-limiter.ts";
import { SystemClock } from "../adapters/system/system-clock.ts";
import { isDomainError } from "../domain/errors.ts";
import type { OAuthClients } from "../domain/oauth-clients.ts";
import type { CalendarGateway } from "../domain/ports/calendar-gateway.ts";
import type { Clock } from "../domain/ports/clock.ts";
import { IDEMPOTENCY_RETENTION_MS } from "../domain/ports/idempotency-records.ts";
import { BookEvent } from "../domain/services/book-event.ts";
import { CancelBooking } from "../domain/services/cancel-booking.ts";
import { CheckAvailability } from "../domain/services/check-availability.ts";
import { ConnectCalendar } from "../domain/services/connect-calendar.ts";
import { DisconnectCalendar } from "../domain/services/disconnect-calendar.ts";
import { FindAvailableSlots } from "../domain/services/find-available-slots.ts";
import { GetConnectionStatus } from "../domain/services/get-connection-status.ts";
import { GetEvent } from "../domain/services/get-event.ts";
import { ListCalendars } from "../domain/services/list-calendars.ts";
import { ListEvents } from "../domain/services/list-events.ts";
import { RefreshToken } from "../domain/services/refresh-token.ts";
import { RespondToInvitation } from "../domain/services/respond-to-invitation.ts";
import { UpdateBooking } from "../domain/services/update-booking.ts";
import type { Config } from "./config.ts";
import { openStorage, type Storage } from "./storage.ts";

export interface ComposeOptions {
  logger?: Logger;
  clock?: Clock;
  /** An already opened store (tests, the CLI); opened from the config otherwise. */
  storage?: Storage;
}

/** Every domain service, one per verb: what the HTTP endpoints, the MCP tools and the CLI drive. */
export interface Services extends McpServices {
  refresh: RefreshToken;
}

export interface ComposedServer {
  app: Hono<AppEnv>;
  services: Services;
  storage: Storage;
  logger: Logger;
  metrics: ServerMetrics;
  close(): Promise<void>;
}

/** The one place that knows every part: adapters in, services out, the HTTP app on top. */
export async function composeServer(config: Config, options: ComposeOptions = {}): Promise<ComposedServer> {
  const logger = options.logger ?? new JsonLineLogger({ level: config.server.logLevel });
  const clock = options.clock ?? new SystemClock();
  const storage = options.storage ?? (await openStorage(config));
  const { pending } = storage;
  const metrics = new ServerMetrics();
  const services = composeServices(config, storage, { logger, clock, metrics });

  const app = createHttpApp({
    ...services,
    logger,
    apiKeys: config.server.apiKeys,
    maxBodyBytes: config.server.maxBodyBytes,
    health: () => checkHealth(storage),
    onRequest: metrics.onRequest,
    publicApps: { "/openapi.json": openApiApp({ serverUrl: config.server.baseUrl }) },
    protectedApps: {
      "/mcp": createMcpApp({
        services,
        logger,
        allowedOrigins: config.server.allowedOrigins,
        onToolCall: metrics.onToolCall,
        // Wall time, like the timeouts: budgets are about real load, not the (testable) domain clock.
        customerLimiter: new TokenBucketRateLimiter({ perMinute: config.server.rateLimitPerCustomer }),
        apiKeyLimiter: new TokenBucketRateLimiter({ perMinute: config.server.rateLimitPerApiKey }),
        workLimiter: new ConcurrencyLimiter({
          maxRunning: config.server.maxConcurrentToolCalls,
          maxWaiting: 64 * config.server.maxConcurrentToolCalls,
        }),
      }),
      "/metrics": metricsApp(metrics),
    },
  });

  const purge = setInterval(() => {
    pending.purgeExpired(clock.now()).catch(() => undefined);
  }, 60_000);
  purge.unref();
  // Idempotency records outlive any client's retries by far: an hourly sweep keeps the store bounded.
  const purgeIdempotency = setInterval(() => {
    const cutoff = new Date(clock.now().getTime() - IDEMPOTENCY_RETENTION_MS);
    storage.idempotency.purgeOlderThan(cutoff).catch(() => undefined);
  }, 3_600_000);
  purgeIdempotency.unref();

  return {
    app,
    services,
    storage,
    logger,
    metrics,
    close: async () => {
      clearInterval(purge);
      clearInterval(purgeIdempotency);
      await storage.close();
    },
  };
}

/** The services over an opened store, without any HTTP: what the server and the operator CLI share. */
export function composeServices(
  config: Config,
  storage: Storage,
  options: { logger: Logger; clock: Clock; metrics?: ServerMetrics },
): Services {
  const { vault, pending, lock } = storage;
  const { logger, clock, metrics } = options;
  const oauth = new ArcticGoogleOAuthProvider(config.google, clock, metrics?.onGoogleCall);
  const clients = oauthClients(config);
  const refresh = new RefreshToken({
    vault,
    oauth,
    lock,
    clock,
    clients,
    onRefresh: (outcome) => {
      logger.log("info", "token_refresh", { outcome });
      metrics?.onRefresh(outcome);
    },
  });
  const calendar = calendarGateway(config, logger, metrics);
  const calendarDeps = { tokens: refresh, calendar, lock, clock };
  return {
    connect: new ConnectCalendar({ oauth, pending, vault, lock, clock }),
    refresh,
    disconnect: new DisconnectCalendar({ vault, oauth, lock }),
    status: new GetConnectionStatus({ vault, clients }),
    listCalendars: new ListCalendars(calendarDeps),
    listEvents: new ListEvents(calendarDeps),
    getEvent: new GetEvent(calendarDeps),
    checkAvailability: new CheckAvailability(calendarDeps),
    findAvailableSlots: new FindAvailableSlots(calendarDeps),
    bookEvent: new BookEvent(calendarDeps),
    updateBooking: new UpdateBooking(calendarDeps),
    cancelBooking: new CancelBooking(calendarDeps),
    respondToInvitation: new RespondToInvitation(calendarDeps),
  };
}

/** GOOGLE_CALENDAR_BACKEND: the REST API, or Google's Calendar MCP server (never both). */
function calendarGateway(
  config: Config,
  logger: Logger,
  metrics: ServerMetrics | undefined,
): CalendarGateway {
  const budget = new GoogleRequestBudget({
    dailyBudget: config.google.dailyRequestBudget,
    warnRatio: config.google.budgetWarnRatio,
    logger,
  });
  const observe: GoogleCallObserver = (call) => {
    metrics?.onGoogleCall(call);
    budget.onGoogleCall(call);
  };
  const { google } = config;
  if (google.calendarBackend === "rest") {
    return new GoogleCalendarGateway({
      rootUrl: google.calendarApiUrl,
      timeoutMs: google.timeoutMs,
      retry: google.retry,
      observe,
    });
  }
  return new GoogleMcpCalendarGateway({
    url: google.calendarMcpUrl,
    timeoutMs: google.timeoutMs,
    retry: google.retry,
    approvalKey: approvalKey(config.encryption.key),
    observe,
  });
}

/**
 * The approval tokens' HMAC key, derived from the token encryption key so every instance shares
 * it; a store opened without one (tests) gets a key of its own.
 */
function approvalKey(encryptionKey: Uint8Array | null): Uint8Array {
  if (encryptionKey === null) return crypto.getRandomValues(new Uint8Array(32));
  return new Uint8Array(createHmac("sha256", encryptionKey).update("google-mcp-approval-tokens").digest());
}

async function checkHealth(storage: Storage): Promise<HealthReport> {
  try {
    await storage.ping();
    return { ok: true, checks: { storage: "ok" } };
  } catch (error) {
    return { ok: false, checks: { storage: isDomainError(error) ? error.code : "storage_unavailable" } };
  }
}

/**
 * The configured OAuth client, and the earlier ones whose grants are still honoured: on the REST
 * backend only, as Google's Calendar MCP server refuses clients not created for AI agents (the
 * ones a switch leaves behind).
 */
function oauthClients(config: Config): OAuthClients {
  const previous = config.google.previousClients.map((client) => client.clientId);
  return {
    current: config.google.clientId,
    stillUsable: config.google.calendarBackend === "rest" ? previous : [],
  };
}
