import { createHmac } from "node:crypto";
import type { Hono } from "hono";
import { recordingOwnWrites } from "../adapters/changes/own-write-recording-gateway.ts";
import { ArcticGoogleOAuthProvider } from "../adapters/google/arctic-oauth-provider.ts";
import { GoogleCalendarGateway } from "../adapters/google/google-calendar-gateway.ts";
import type { GoogleCallObserver } from "../adapters/google/google-call-observer.ts";
import { GoogleMcpCalendarGateway } from "../adapters/google-mcp/google-mcp-calendar-gateway.ts";
import { ConnectedReceipts } from "../adapters/http/connected-receipt.ts";
import { createHttpApp, type HealthReport } from "../adapters/http/http-app.ts";
import { openApiApp } from "../adapters/http/openapi.ts";
import { JsonLineLogger, type Logger, loggedErrorCode } from "../adapters/logging/logger.ts";
import { createMcpApp } from "../adapters/mcp/mcp-app.ts";
import type { McpServices } from "../adapters/mcp/tool-definition.ts";
import { GoogleRequestBudget } from "../adapters/metrics/google-request-budget.ts";
import { metricsApp } from "../adapters/metrics/metrics-app.ts";
import { ServerMetrics } from "../adapters/metrics/server-metrics.ts";
import type { AppEnv } from "../adapters/shared/app-env.ts";
import { ConcurrencyLimiter } from "../adapters/shared/concurrency-limiter.ts";
import { TokenBucketRateLimiter } from "../adapters/shared/rate-limiter.ts";
import { sha256 } from "../adapters/system/sha256.ts";
import { SystemClock } from "../adapters/system/system-clock.ts";
import { NO_NOTIFICATIONS, OutboxNotifications } from "../adapters/webhooks/outbox-notifications.ts";
import { WebhookDeliverer } from "../adapters/webhooks/webhook-deliverer.ts";
import type { CustomerId } from "../domain/customer-id.ts";
import { isDomainError } from "../domain/errors.ts";
import type { OAuthClients } from "../domain/oauth-clients.ts";
import type { CalendarGateway } from "../domain/ports/calendar-gateway.ts";
import type { Clock } from "../domain/ports/clock.ts";
import type { Notifications } from "../domain/ports/notifications.ts";
import { BookEvent } from "../domain/services/book-event.ts";
import { CancelBooking } from "../domain/services/cancel-booking.ts";
import { CheckAvailability } from "../domain/services/check-availability.ts";
import { ConfirmConnection } from "../domain/services/confirm-connection.ts";
import { ConnectCalendar } from "../domain/services/connect-calendar.ts";
import { GetCurrentTime } from "../domain/services/current-time.ts";
import { DisconnectCalendar } from "../domain/services/disconnect-calendar.ts";
import { FindAvailableSlots } from "../domain/services/find-available-slots.ts";
import { GetConnectionStatus } from "../domain/services/get-connection-status.ts";
import { GetEvent } from "../domain/services/get-event.ts";
import { ListCalendars } from "../domain/services/list-calendars.ts";
import { ListEvents } from "../domain/services/list-events.ts";
import { RefreshToken } from "../domain/services/refresh-token.ts";
import { RespondToInvitation } from "../domain/services/respond-to-invitation.ts";
import { UpdateBooking } from "../domain/services/update-booking.ts";
import { type ChangeTracking, composeChangeTracking } from "./change-tracking.ts";
import type { Config } from "./config.ts";
import { startHousekeeping } from "./housekeeping.ts";
import { openStorage, type Storage } from "./storage.ts";
import { TrackingConnectCalendar, TrackingDisconnectCalendar } from "./tracking-services.ts";

export interface ComposeOptions {
  logger?: Logger;
  clock?: Clock;
  /** An already opened store (tests, the CLI); opened from the config otherwise. */
  storage?: Storage;
}

/** Every domain service, one per verb: what the HTTP endpoints, the MCP tools and the CLI drive. */
export interface Services extends McpServices {
  refresh: RefreshToken;
  /** Present when CALENDAR_SERVER_CONNECT_CONFIRM_URL is set. */
  confirmConnection?: ConfirmConnection;
  /** Calendar changes to webhooks; null when webhooks are off. */
  changeTracking: ChangeTracking | null;
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
  const storage =
    options.storage ??
    (await openStorage(config, config.storage.type, {
      onLockLost: (purpose) => logger.log("warn", "lock_lost", { purpose }),
    }));
  const { pending } = storage;
  const metrics = new ServerMetrics();
  const deliverer = webhookDeliverer(config, storage, logger, metrics);
  // Every webhook stored in this process (by the vault or the notifications) starts a delivery.
  if (deliverer !== null) storage.webhooks?.onRecorded(deliverer.nudge);
  const services = composeServices(config, storage, { logger, clock, metrics });
  deliverer?.start();
  services.changeTracking?.start();

  const app = createHttpApp({
    ...services,
    logger,
    apiKeys: config.server.apiKeys,
    connectConfirmUrl: config.server.connectConfirmUrl,
    connectedReceipts: new ConnectedReceipts(derivedKey(config.encryption.key, "connected-receipts")),
    maxBodyBytes: config.server.maxBodyBytes,
    health: () => checkHealth(storage),
    onRequest: metrics.onRequest,
    oauthLimiter: new TokenBucketRateLimiter({ perMinute: config.server.rateLimitOAuth }),
    publicApps: {
      "/openapi.json": openApiApp({ serverUrl: config.server.baseUrl }),
      ...(services.changeTracking?.notificationsApp == null
        ? {}
        : { "/google/notifications": services.changeTracking.notificationsApp }),
    },
    protectedApps: {
      "/mcp": createMcpApp({
        services,
        logger,
        allowedOrigins: config.server.allowedOrigins,
        baseUrl: config.server.baseUrl,
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

  const stopHousekeeping = startHousekeeping(
    {
      pendingAuthorizations: pending,
      idempotency: storage.idempotency,
      ...(services.confirmConnection === undefined ? {} : { heldConnections: services.confirmConnection }),
    },
    { clock, logger },
  );

  return {
    app,
    services,
    storage,
    logger,
    metrics,
    close: async () => {
      stopHousekeeping();
      services.changeTracking?.stop();
      await deliverer?.stop();
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
  const { vault, pending, pendingConnections, lock } = storage;
  const { logger, clock, metrics } = options;
  const notifications = composeNotifications(storage);
  const oauth = new ArcticGoogleOAuthProvider(config.google, clock, metrics?.onGoogleCall);
  const clients = oauthClients(config);
  const confirmConnection =
    config.server.connectConfirmUrl === null
      ? undefined
      : new ConfirmConnection({ pendingConnections, vault, oauth, lock, clock });
  // Assigned below, once the token service it needs exists; used only after a callback.
  let tracking: ChangeTracking | null = null;
  const connectDeps = {
    oauth,
    pending,
    vault,
    lock,
    clock,
    ...(confirmConnection === undefined ? {} : { confirmation: confirmConnection }),
  };
  const connect =
    config.webhooks === null
      ? new ConnectCalendar(connectDeps)
      : new TrackingConnectCalendar(connectDeps, (customerId) => {
          void tracking?.tracker
            .begin(customerId)
            .catch((error: unknown) => trackingFailed(logger, "begin", error));
        });
  const refresh = new RefreshToken({
    vault,
    oauth,
    lock,
    clock,
    clients,
    // The link connection.reauthorization_required carries: started only when webhooks are on.
    ...(storage.webhooks === null
      ? {}
      : { reauthorize: (customerId: CustomerId) => connect.start(customerId) }),
    onRefresh: (outcome) => {
      logger.log("info", "token_refresh", { outcome });
      metrics?.onRefresh(outcome);
    },
  });
  const gateway = calendarGateway(config, logger, metrics);
  // With webhooks on, our own writes are remembered so their changes are marked origin "this_server".
  const calendar = config.webhooks === null ? gateway : recordingOwnWrites(gateway, storage.ownWrites);
  const changeTracking = composeChangeTracking(config, storage, {
    tokens: refresh,
    calendar,
    notifications,
    clock,
    logger,
    ...(metrics === undefined ? {} : { observe: metrics.onGoogleCall }),
  });
  tracking = changeTracking;
  const calendarDeps = { tokens: refresh, calendar, lock, clock };
  const disconnectDeps = { vault, oauth, lock, clock };
  return {
    connect,
    ...(confirmConnection === undefined ? {} : { confirmConnection }),
    refresh,
    disconnect:
      changeTracking === null
        ? new DisconnectCalendar(disconnectDeps)
        : new TrackingDisconnectCalendar(disconnectDeps, (customerId) =>
            changeTracking.tracker
              .end(customerId)
              .catch((error: unknown) => trackingFailed(logger, "end", error)),
          ),
    changeTracking,
    status: new GetConnectionStatus({ vault, clients }),
    listCalendars: new ListCalendars(calendarDeps),
    listEvents: new ListEvents(calendarDeps),
    getEvent: new GetEvent(calendarDeps),
    checkAvailability: new CheckAvailability(calendarDeps),
    findAvailableSlots: new FindAvailableSlots(calendarDeps),
    bookEvent: new BookEvent({ ...calendarDeps, idempotency: storage.idempotency, sha256 }),
    updateBooking: new UpdateBooking(calendarDeps),
    cancelBooking: new CancelBooking(calendarDeps),
    respondToInvitation: new RespondToInvitation(calendarDeps),
    currentTime: new GetCurrentTime(calendarDeps),
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
    approvalKey: derivedKey(config.encryption.key, "google-mcp-approval-tokens"),
    observe,
  });
}

/**
 * An HMAC key for one purpose (approval tokens, success-page receipts), derived from the token
 * encryption key so every instance shares it; a store opened without one (tests) gets a key of
 * its own.
 */
function derivedKey(encryptionKey: Uint8Array | null, purpose: string): Uint8Array {
  if (encryptionKey === null) return crypto.getRandomValues(new Uint8Array(32));
  return new Uint8Array(createHmac("sha256", encryptionKey).update(purpose).digest());
}

function trackingFailed(logger: Logger, what: string, error: unknown): void {
  logger.log("warn", "calendar_changes_failed", {
    what,
    error: loggedErrorCode(error),
  });
}

/**
 * Webhooks on: calendar changes go to the store's outbox, for whichever instance delivers them
 * (a connection's own webhooks go with its write, through the vault).
 */
function composeNotifications(storage: Storage): Notifications {
  const { webhooks } = storage;
  if (webhooks === null) return NO_NOTIFICATIONS;
  return new OutboxNotifications({ outbox: storage.outbox, webhooks });
}

function webhookDeliverer(
  config: Config,
  storage: Storage,
  logger: Logger,
  metrics: ServerMetrics,
): WebhookDeliverer | null {
  const webhooks = config.webhooks;
  if (webhooks === null) return null;
  return new WebhookDeliverer({
    outbox: storage.outbox,
    url: webhooks.url,
    secrets: webhooks.secrets,
    timeoutMs: webhooks.timeoutMs,
    logger,
    onAttempt: metrics.onWebhookAttempt,
    onStats: metrics.onOutboxStats,
  });
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
