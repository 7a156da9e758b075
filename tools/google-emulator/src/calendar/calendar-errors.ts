/**
 * Calendar v3 error bodies, byte-for-byte in the shapes Google sends. Two families exist: the
 * Calendar backend's `{errors, code, message}` and the API front end's (auth, quota) which adds
 * `status` and puts `code` first. Clients parse both, so both are reproduced.
 */

export interface GoogleErrorItem {
  domain: string;
  reason: string;
  message?: string;
  locationType?: string;
  location?: string;
}

export interface GoogleErrorBody {
  error: {
    code: number;
    message: string;
    errors: GoogleErrorItem[];
    status?: string;
    details?: unknown[];
  };
}

const AUTH_HELP =
  "Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.";

/** Thrown by handlers; the endpoint wrapper turns it into the HTTP answer. */
export class GoogleApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: GoogleErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.error.message);
    this.name = "GoogleApiError";
  }
}

export const JSON_CONTENT_TYPE = "application/json; charset=UTF-8";

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": JSON_CONTENT_TYPE, ...headers },
  });
}

export function errorResponse(error: GoogleApiError): Response {
  return jsonResponse(error.status, error.body, error.headers);
}

/** A Calendar backend error: `{errors: [{domain, reason, message}], code, message}`. */
function backend(
  status: number,
  reason: string,
  message: string,
  extra: Partial<GoogleErrorItem> = {},
): GoogleApiError {
  const item: GoogleErrorItem = { domain: extra.domain ?? "global", reason, message };
  if (extra.locationType !== undefined) item.locationType = extra.locationType;
  if (extra.location !== undefined) item.location = extra.location;
  return new GoogleApiError(status, { error: { errors: [item], code: status, message } });
}

const REALM = 'Bearer realm="https://accounts.google.com/"';

function errorInfo(reason: string, method: string): unknown {
  return {
    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
    reason,
    domain: "googleapis.com",
    metadata: { service: "calendar-json.googleapis.com", method },
  };
}

export const calendarErrors = {
  /** Unknown, revoked or expired access token. */
  invalidCredentials: (): GoogleApiError =>
    new GoogleApiError(
      401,
      {
        error: {
          code: 401,
          message: `Request had invalid authentication credentials. ${AUTH_HELP}`,
          errors: [
            {
              message: "Invalid Credentials",
              domain: "global",
              reason: "authError",
              location: "Authorization",
              locationType: "header",
            },
          ],
          status: "UNAUTHENTICATED",
        },
      },
      { "WWW-Authenticate": `${REALM}, error="invalid_token"` },
    ),
  /** No `Authorization` header at all: Google answers "Login Required" instead. */
  missingCredentials: (rpcMethod: string): GoogleApiError =>
    new GoogleApiError(
      401,
      {
        error: {
          code: 401,
          message: `Request is missing required authentication credential. ${AUTH_HELP}`,
          errors: [
            {
              message: "Login Required.",
              domain: "global",
              reason: "required",
              location: "Authorization",
              locationType: "header",
            },
          ],
          status: "UNAUTHENTICATED",
          details: [errorInfo("CREDENTIALS_MISSING", rpcMethod)],
        },
      },
      { "WWW-Authenticate": REALM },
    ),
  insufficientScopes: (rpcMethod: string): GoogleApiError =>
    new GoogleApiError(
      403,
      {
        error: {
          code: 403,
          message: "Request had insufficient authentication scopes.",
          errors: [
            { message: "Insufficient Permission", domain: "global", reason: "insufficientPermissions" },
          ],
          status: "PERMISSION_DENIED",
          details: [errorInfo("ACCESS_TOKEN_SCOPE_INSUFFICIENT", rpcMethod)],
        },
      },
      { "WWW-Authenticate": `${REALM}, error="insufficient_scope"` },
    ),
  notFound: (): GoogleApiError => backend(404, "notFound", "Not Found"),
  duplicate: (): GoogleApiError => backend(409, "duplicate", "The requested identifier already exists."),
  deleted: (): GoogleApiError => backend(410, "deleted", "Resource has been deleted"),
  conditionNotMet: (): GoogleApiError =>
    backend(412, "conditionNotMet", "Precondition Failed", { locationType: "header", location: "If-Match" }),
  parseError: (): GoogleApiError => backend(400, "parseError", "Parse Error"),
  badRequest: (message = "Bad Request"): GoogleApiError => backend(400, "badRequest", message),
  required: (message = "Required"): GoogleApiError => backend(400, "required", message),
  invalid: (message: string): GoogleApiError => backend(400, "invalid", message),
  /** Query parameter out of its documented set or range. */
  invalidParameter: (name: string, message: string): GoogleApiError =>
    backend(400, "invalidParameter", message, { locationType: "parameter", location: name }),
  /** `timeMax <= timeMin` in a query (with location) or `end < start` in an event body (without). */
  timeRangeEmpty: (inQuery: boolean): GoogleApiError =>
    backend(
      400,
      "timeRangeEmpty",
      "The specified time range is empty.",
      inQuery
        ? { domain: "calendar", locationType: "parameter", location: "timeMax" }
        : { domain: "calendar" },
    ),
  /** A freeBusy window longer than Google serves (about three months; we refuse past 90 days). */
  timeRangeTooLong: (): GoogleApiError =>
    backend(400, "timeRangeTooLong", "The requested time range is too long.", { domain: "calendar" }),
  orderingUnavailable: (): GoogleApiError =>
    backend(400, "badRequest", "The requested ordering is not available for the particular query."),
  remindersConflict: (): GoogleApiError =>
    backend(
      400,
      "cannotUseDefaultRemindersAndSpecifyOverride",
      "Cannot specify both default reminders and overrides at the same time.",
    ),
  /** An invited account changing more than its own answer on its copy of the event. */
  forbiddenForNonOrganizer: (): GoogleApiError =>
    backend(
      403,
      "forbiddenForNonOrganizer",
      "Shared properties can only be changed by the organizer of the event.",
      { domain: "calendar" },
    ),
  staleSequence: (): GoogleApiError =>
    backend(
      400,
      "invalid",
      "Invalid sequence value. The specified sequence number is below the current sequence number of the resource. Re-fetch the resource and use its sequence number on the following request.",
    ),
};

/** Google's documented answer for a status a fault rule names without a body. */
export function defaultFaultBody(status: number): GoogleErrorBody {
  const item = (domain: string, reason: string, message: string): GoogleErrorBody => ({
    error: { errors: [{ domain, reason, message }], code: status, message },
  });
  switch (status) {
    case 401:
      return calendarErrors.invalidCredentials().body;
    case 403:
      return item("usageLimits", "rateLimitExceeded", "Rate Limit Exceeded");
    case 429: {
      const body = item("usageLimits", "rateLimitExceeded", "Rate Limit Exceeded");
      body.error.status = "RESOURCE_EXHAUSTED";
      return body;
    }
    case 404:
      return calendarErrors.notFound().body;
    case 409:
      return calendarErrors.duplicate().body;
    case 410:
      return calendarErrors.deleted().body;
    case 412:
      return calendarErrors.conditionNotMet().body;
    case 500:
      return item("global", "backendError", "Backend Error");
    case 503:
      return item("global", "backendError", "Service unavailable");
    default:
      return status >= 500
        ? item("global", "backendError", "Backend Error")
        : item("global", "badRequest", "Bad Request");
  }
}
