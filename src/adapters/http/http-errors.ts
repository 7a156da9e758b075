import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type DomainErrorCode, isDomainError } from "../../domain/errors.ts";

/** The one mapping from domain error codes to HTTP statuses. */
const STATUS: Record<DomainErrorCode, ContentfulStatusCode> = {
  invalid_customer_id: 400,
  invalid_argument: 400,
  invalid_state: 400,
  access_denied: 403,
  oauth_exchange_failed: 400,
  calendar_not_connected: 404,
  reauthorization_required: 409,
  insufficient_scope: 403,
  time_conflict: 409,
  not_found: 404,
  precondition_failed: 412,
  rate_limited: 429,
  google_unavailable: 502,
  storage_unavailable: 503,
  record_unreadable: 500,
  customer_mismatch: 403,
  google_token_rejected: 502,
  duplicate_event: 409,
  approval_required: 403,
  approval_declined: 403,
  account_mismatch: 403,
  missing_refresh_token: 400,
  invalid_connect_code: 400,
  idempotency_key_reused: 422,
};

/** An HTTP-level error with a stable code, raised by middleware and handlers, mapped in onError. */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** Status and JSON body for anything thrown; unknown errors become a bare 500 without a trace. */
export function describeError(error: unknown): { status: ContentfulStatusCode; body: ErrorBody } {
  if (error instanceof HttpError) {
    return { status: error.status, body: { error: { code: error.code, message: error.message } } };
  }
  if (isDomainError(error)) {
    const details = Object.keys(error.details).length > 0 ? { details: error.details } : {};
    return {
      status: STATUS[error.code],
      body: { error: { code: error.code, message: error.message, ...details } },
    };
  }
  return { status: 500, body: { error: { code: "internal_error", message: "Internal error" } } };
}
