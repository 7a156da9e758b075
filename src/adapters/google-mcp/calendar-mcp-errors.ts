import { DomainError } from "../../domain/errors.ts";

/**
 * Failures of Google's Calendar MCP server as the same domain errors the REST gateway throws.
 * How Google encodes a tool failure is not documented (team reference §6): a JSON-RPC `error`,
 * an `isError` result with text, or structured content carrying a google.rpc status are all
 * read, and classified by HTTP status first, then by Google's status name, then by its words.
 * Messages never carry the request (its headers hold the token).
 */

/** Google's quotas are per minute; a caller still needs a number to wait. */
export const DEFAULT_RETRY_AFTER_SECONDS = 10;

export interface FailureFacts {
  /** HTTP status of the answer, or of the google.rpc status inside it. */
  status?: number;
  /** google.rpc status name (PERMISSION_DENIED…) or a reason (rateLimitExceeded…). */
  names: string[];
  message: string;
  retryAfterSeconds?: number | null;
}

// Google's status names and reasons are matched as written; its prose, in any case.
const SCOPE = /ACCESS_TOKEN_SCOPE_INSUFFICIENT|insufficientPermissions|insufficient_scope/;
const SCOPE_TEXT = /insufficient authentication scopes/i;
const RATE = /RESOURCE_EXHAUSTED|rateLimitExceeded|userRateLimitExceeded|quotaExceeded|dailyLimitExceeded/;
const RATE_TEXT = /rate limit|quota exceeded/i;
const NOT_FOUND = /NOT_FOUND|notFound/;
const NOT_FOUND_TEXT = /\bnot found\b|does not exist/i;
const GONE = /\bdeleted\b|\bgone\b/i;
const UNAUTHENTICATED = /UNAUTHENTICATED|invalid_token/;
const UNAUTHENTICATED_TEXT = /invalid authentication credentials|invalid credentials/i;
const NO_APPROVAL = /requires user confirmation/i;
const AGENTIC = /\bagent(?:ic)?\b|AI-powered/i;
const PERMISSION = /PERMISSION_DENIED/;
const PERMISSION_TEXT = /does not have permission|permission denied|forbidden/i;
const UNAVAILABLE = /\b(?:UNAVAILABLE|INTERNAL|DEADLINE_EXCEEDED|backendError)\b/;
const UNAVAILABLE_TEXT = /backend error|internal error|temporarily unavailable/i;

/** @param what the tool, e.g. "create_event", for messages */
export function classifyFailure(facts: FailureFacts, what: string): DomainError {
  const all = [...facts.names, facts.message].join(" ");
  const says = (names: RegExp, text: RegExp): boolean => names.test(all) || text.test(facts.message);
  const details = {
    google_status: facts.status ?? null,
    google_reason: facts.names[0] ?? null,
  };
  const { status } = facts;
  if (status === 401 || says(UNAUTHENTICATED, UNAUTHENTICATED_TEXT)) {
    return new DomainError("google_token_rejected", "Google rejected the access token (401)", { details });
  }
  if (status === 429 || says(RATE, RATE_TEXT)) {
    const retryAfter = facts.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
    return new DomainError("rate_limited", `Google Calendar is rate limiting ${what}; retry later`, {
      details: { ...details, retry_after_seconds: retryAfter },
    });
  }
  if (says(SCOPE, SCOPE_TEXT)) {
    return new DomainError(
      "insufficient_scope",
      `The calendar access granted does not allow ${what}; the customer must connect again and grant it`,
      { details },
    );
  }
  if (NO_APPROVAL.test(facts.message)) {
    // Google took us for a client without form elicitation (e.g. the /mcp/v1self endpoint).
    return new DomainError(
      "google_unavailable",
      `Google asks for the user's approval of ${what} but would not let this server carry it (use the /mcp/v1 endpoint): ${facts.message}`,
      { details: { ...details, reason: "approval_unsupported" } },
    );
  }
  if (status === 403 || says(PERMISSION, PERMISSION_TEXT)) {
    // A valid token that Google still refuses: an OAuth client not created for AI agents, the
    // Calendar MCP API not enabled, or an account not allowed. Connecting again through the
    // configured (agentic) client is the user's remedy; the reason tells the operator which.
    const reason = AGENTIC.test(facts.message) ? "oauth_client_not_agentic" : "google_permission_denied";
    return new DomainError(
      "insufficient_scope",
      `Google's Calendar MCP server refused ${what}: ${facts.message || "permission denied"}`,
      { details: { ...details, reason } },
    );
  }
  if (status === 410 || (says(NOT_FOUND, NOT_FOUND_TEXT) && GONE.test(facts.message))) {
    return new DomainError("not_found", `Already deleted (${what})`, {
      details: { ...details, deleted: true },
    });
  }
  if (status === 404 || says(NOT_FOUND, NOT_FOUND_TEXT))
    return new DomainError("not_found", `Not found (${what})`, { details });
  if ((status !== undefined && (status >= 500 || status === 408)) || says(UNAVAILABLE, UNAVAILABLE_TEXT)) {
    return new DomainError("google_unavailable", `Google Calendar failed ${what}`, { details });
  }
  return new DomainError(
    "invalid_argument",
    `Google Calendar refused ${what}: ${facts.message || "invalid request"}`,
    {
      details,
    },
  );
}

/** A failed fetch: our deadline, or no connection at all. */
export function transportFailure(error: unknown, what: string, timeoutMs: number): DomainError {
  if (error instanceof DomainError) return error;
  const name = typeof error === "object" && error !== null ? (error as { name?: unknown }).name : undefined;
  const message =
    name === "TimeoutError"
      ? `Google Calendar did not answer ${what} within ${timeoutMs} ms`
      : `Google Calendar could not be reached for ${what}`;
  return new DomainError("google_unavailable", message, { details: { timeout: name === "TimeoutError" } });
}

export function unreadable(what: string): DomainError {
  // Marked so it is not retried: the same request would get the same answer.
  return new DomainError(
    "google_unavailable",
    `Google Calendar answered ${what} with something we cannot read`,
    {
      details: { unreadable: true },
    },
  );
}

/**
 * Facts from anything Google may put where an error goes: a JSON-RPC error
 * `{code, message, data}`, a google.rpc status `{code, status, message, details}` (bare or under
 * `error`), or plain text.
 */
export function factsOf(value: unknown, status?: number): FailureFacts {
  if (typeof value === "string")
    return { ...(status === undefined ? {} : { status }), names: [], message: value };
  const outer = record(value);
  const inner = record(outer?.error) ?? outer;
  const data = record(inner?.data);
  const rpc = record(data?.error) ?? data;
  const names = [
    inner?.status,
    rpc?.status,
    ...reasons(inner?.details),
    ...reasons(inner?.errors),
    ...reasons(rpc?.details),
  ].filter((name): name is string => typeof name === "string");
  const code = [rpc?.code, inner?.code].find(
    (candidate): candidate is number => typeof candidate === "number" && candidate >= 400 && candidate < 600,
  );
  const message = [inner?.message, rpc?.message].find((m): m is string => typeof m === "string") ?? "";
  const httpStatus = status ?? code;
  return { ...(httpStatus === undefined ? {} : { status: httpStatus }), names, message };
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date), or null. */
export function retryAfterOf(headers: Headers): number | null {
  const value = headers.get("retry-after");
  if (value === null || value.trim() === "") return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function reasons(list: unknown): unknown[] {
  return Array.isArray(list) ? list.map((item) => record(item)?.reason) : [];
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
