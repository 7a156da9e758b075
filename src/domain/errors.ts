/**
 * Stable error codes. Each surface (HTTP, MCP) maps them once; adapters translate their
 * vendors' errors into these so nothing vendor-specific crosses into the domain.
 */
export type DomainErrorCode =
  /** customer_id breaks the rule in customer-id.ts */
  | "invalid_customer_id"
  /** an argument is malformed or inconsistent (e.g. end before start) */
  | "invalid_argument"
  /** OAuth state unknown, expired, already used, or for another customer */
  | "invalid_state"
  /** the user refused consent at Google */
  | "access_denied"
  /** Google refused to exchange the authorization code */
  | "oauth_exchange_failed"
  /** no token stored for this customer */
  | "calendar_not_connected"
  /** Google revoked the grant (invalid_grant): the user must authorize again */
  | "reauthorization_required"
  /** the user unticked a scope this operation needs */
  | "insufficient_scope"
  /** the requested slot overlaps a busy interval */
  | "time_conflict"
  /** the event or calendar does not exist */
  | "not_found"
  /** the resource changed since it was read (etag mismatch) */
  | "precondition_failed"
  /** Google or we are rate limiting; retry later */
  | "rate_limited"
  /** Google failed, timed out or answered something we cannot read */
  | "google_unavailable"
  /** the token store cannot be reached */
  | "storage_unavailable"
  /** a stored record cannot be opened (tampered, swapped, or sealed with an unknown key) */
  | "record_unreadable"
  /** X-Customer-Id header and customer_id argument disagree */
  | "customer_mismatch"
  /** Google answered 401 to an access token (internal: refresh once and retry) */
  | "google_token_rejected"
  /** an event with that client-chosen id exists (internal: idempotent replay) */
  | "duplicate_event"
  /** Google asks the user to approve this call first (details: message, form, approval_token) */
  | "approval_required"
  /** the user declined or cancelled an approval Google asked for */
  | "approval_declined"
  /** the consent came from another Google account than the one the link was made for */
  | "account_mismatch"
  /** Google granted no refresh token for a newly connected account */
  | "missing_refresh_token"
  /** the connect code is unknown, expired or already used */
  | "invalid_connect_code"
  /** an idempotency key reused with other arguments (details.differing_arguments) */
  | "idempotency_key_reused";

export interface DomainErrorOptions {
  /** Machine-readable extras a caller can act on (conflicts, retry hint, authorization URL). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: DomainErrorCode, message: string, options: DomainErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "DomainError";
    this.code = code;
    this.details = options.details ?? {};
  }
}

export function isDomainError(error: unknown, code?: DomainErrorCode): error is DomainError {
  return error instanceof DomainError && (code === undefined || error.code === code);
}

/** A stored record no held key opens is as good as none; any other storage error stops the work. */
export function unreadableAsMissing(error: unknown): null {
  if (isDomainError(error, "record_unreadable")) return null;
  throw error;
}
