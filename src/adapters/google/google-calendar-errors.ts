import { DomainError } from "../../domain/errors.ts";

/**
 * Google Calendar's failures as domain errors. Google answers JSON like
 * `{"error": {"code": 403, "message": "…", "errors": [{"reason": "rateLimitExceeded", …}],
 * "status": "PERMISSION_DENIED", "details": [{"reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT"}]}}`;
 * the reason, not only the status, decides (a 403 is a rate limit, a missing scope or a
 * plain refusal). Messages never carry the request (its headers hold the token).
 */

/**
 * A Calendar request that failed (calendar-rest-client.ts): Google's `answer` (status, parsed
 * data, headers), or none (refused, reset, or `timedOut`). `retries` counts the attempts made before
 * the one that failed like this (a 409 on a retry means the first attempt got through).
 */
export class CalendarRequestError extends Error {
  constructor(
    message: string,
    readonly retries: number,
    readonly answer?: { status: number; data: unknown; headers: Headers },
    readonly timedOut = false,
  ) {
    super(message);
    this.name = "CalendarRequestError";
  }
}

const RATE_LIMIT_REASONS = new Set([
  "rateLimitExceeded",
  "userRateLimitExceeded",
  "quotaExceeded",
  "dailyLimitExceeded",
]);
const SCOPE_REASONS = new Set(["insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"]);
/** Google's quotas are per minute with a sliding window; by then our own backoff already waited. */
const DEFAULT_RETRY_AFTER_SECONDS = 10;

export function statusOf(error: unknown): number | undefined {
  return error instanceof CalendarRequestError ? error.answer?.status : undefined;
}

/** Attempts made before the one that failed with `error` (0: it failed the first time). */
export function retriesSoFar(error: unknown): number {
  return error instanceof CalendarRequestError ? error.retries : 0;
}

/** Google's reasons for a failure: `errors[].reason` and the AIP-193 `details[].reason`. */
export function reasonsOf(error: unknown): string[] {
  const body = googleError(answerData(error));
  const reasons = [...(body?.errors ?? []), ...(body?.details ?? [])]
    .map((item) =>
      typeof item === "object" && item !== null ? (item as { reason?: unknown }).reason : undefined,
    )
    .filter((reason): reason is string => typeof reason === "string");
  return reasons;
}

export function isRateLimited(error: unknown): boolean {
  const status = statusOf(error);
  return (
    status === 429 || (status === 403 && reasonsOf(error).some((reason) => RATE_LIMIT_REASONS.has(reason)))
  );
}

/** The request gave up waiting (our timeout), as opposed to failing to connect. */
export function isTimeout(error: unknown): boolean {
  return error instanceof CalendarRequestError && error.timedOut;
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date), or null. */
export function retryAfterSeconds(error: unknown): number | null {
  const value = error instanceof CalendarRequestError ? error.answer?.headers.get("retry-after") : null;
  if (typeof value !== "string" || value.trim() === "") return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** @param what the call, e.g. "events.insert", for messages */
export function toDomainError(error: unknown, what: string, timeoutMs: number): DomainError {
  if (error instanceof DomainError) return error;
  const status = statusOf(error);
  if (status === undefined) {
    const message = isTimeout(error)
      ? `Google Calendar did not answer ${what} within ${timeoutMs} ms`
      : `Google Calendar could not be reached for ${what}`;
    return new DomainError("google_unavailable", message);
  }
  const reasons = reasonsOf(error);
  const googleMessage = googleError(answerData(error))?.message ?? `HTTP ${status}`;
  const details = { google_status: status, google_reason: reasons[0] ?? null };
  if (status === 401) {
    return new DomainError("google_token_rejected", "Google rejected the access token (401)", { details });
  }
  if (isRateLimited(error)) {
    // Google's 403 rate limits rarely carry Retry-After; the caller still needs a number to wait.
    const retryAfter = retryAfterSeconds(error) ?? DEFAULT_RETRY_AFTER_SECONDS;
    return new DomainError("rate_limited", `Google Calendar is rate limiting ${what}; retry later`, {
      details: { ...details, retry_after_seconds: retryAfter },
    });
  }
  if (status === 403 && reasons.some((reason) => SCOPE_REASONS.has(reason))) {
    return new DomainError(
      "insufficient_scope",
      `The calendar access granted does not allow ${what}; the customer must connect again and grant it`,
      { details },
    );
  }
  if (status === 404) return new DomainError("not_found", `Not found (${what})`, { details });
  if (status === 410) {
    return new DomainError("not_found", `Already deleted (${what})`, {
      details: { ...details, deleted: true },
    });
  }
  if (status === 409)
    return new DomainError("duplicate_event", "The requested identifier already exists", { details });
  if (status === 412) {
    return new DomainError("precondition_failed", "The event changed since it was read; read it again", {
      details: { ...details, reason: "event_changed" },
    });
  }
  if (status >= 500 || status === 408) {
    return new DomainError("google_unavailable", `Google Calendar failed ${what} (HTTP ${status})`, {
      details,
    });
  }
  // 400 and the remaining 4xx (a 403 such as writing to a read-only calendar): Google's words
  // tell the caller what to change.
  return new DomainError("invalid_argument", `Google Calendar refused ${what}: ${googleMessage}`, {
    details,
  });
}

function answerData(error: unknown): unknown {
  return error instanceof CalendarRequestError ? error.answer?.data : undefined;
}

interface GoogleErrorBody {
  message?: string;
  errors?: unknown[];
  details?: unknown[];
}

function googleError(data: unknown): GoogleErrorBody | undefined {
  let parsed = data;
  if (typeof data === "string") {
    try {
      parsed = JSON.parse(data);
    } catch {
      return undefined;
    }
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const error = (parsed as { error?: unknown }).error;
  if (typeof error !== "object" || error === null) return undefined;
  const body = error as Record<string, unknown>;
  return {
    ...(typeof body.message === "string" ? { message: body.message } : {}),
    ...(Array.isArray(body.errors) ? { errors: body.errors } : {}),
    ...(Array.isArray(body.details) ? { details: body.details } : {}),
  };
}
