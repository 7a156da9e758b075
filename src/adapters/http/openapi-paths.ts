import { disconnectRequest } from "./http-schemas.ts";
import { jsonSchemaOf, type SchemaName } from "./openapi-schemas.ts";

/**
 * The `paths` of /openapi.json: every endpoint the server mounts. Operations without `security`
 * inherit the document's bearer API key; the public ones say `security: []`.
 */
export function openApiPaths(): Record<string, Record<string, unknown>> {
  return {
    "/oauth/authorize": {
      post: {
        tags: ["oauth"],
        operationId: "startAuthorization",
        summary: "Start connecting a customer's Google Calendar",
        description:
          "Returns Google's consent URL for the customer. Send the end user there. With expected_email, " +
          "only that Google account can complete it (another is refused with account_mismatch and " +
          "its grant revoked). At most 10 unfinished links are kept per customer: older ones stop working.",
        requestBody: jsonBody("AuthorizeRequest"),
        responses: {
          "200": jsonResponse("Consent URL made", "AuthorizeResponse"),
          ...errors(["400", "401", "413", "503"]),
        },
      },
      get: {
        tags: ["oauth"],
        operationId: "redirectToAuthorization",
        summary: "Start connecting, answered with a redirect to Google's consent page",
        parameters: [customerIdParameter("query")],
        responses: {
          "302": {
            description: "Redirect to Google's consent page",
            headers: { Location: { schema: { type: "string", format: "uri" } } },
          },
          ...errors(["400", "401", "503"]),
        },
      },
    },
    "/oauth/callback": {
      get: {
        tags: ["oauth"],
        operationId: "oauthCallback",
        summary: "Where Google sends the end user back after consent",
        description:
          "Public (Google's redirect carries no API key). Browsers (Accept: text/html) get a short " +
          "page in Spanish or English; other clients get JSON. With CALENDAR_SERVER_CONNECT_CONFIRM_URL " +
          "set, the consent is held instead and the answer is a redirect to that URL with connect_code " +
          "and customer_id (see POST /oauth/confirm).",
        security: [],
        parameters: [
          queryParameter("code", "Authorization code from Google"),
          queryParameter("state", "The state returned by POST /oauth/authorize"),
          queryParameter("error", "Set by Google instead of code, e.g. access_denied"),
        ],
        responses: {
          "200": {
            description: "Calendar connected",
            content: {
              "application/json": { schema: ref("CallbackResponse") },
              "text/html": { schema: { type: "string" } },
            },
          },
          "302": {
            description:
              "Consent held for confirmation: redirect to CALENDAR_SERVER_CONNECT_CONFIRM_URL with connect_code and customer_id",
            headers: { Location: { schema: { type: "string", format: "uri" } } },
          },
          ...errors(["400", "403", "429", "502", "503"], true),
        },
      },
    },
    "/oauth/confirm": {
      post: {
        tags: ["oauth"],
        operationId: "confirmConnection",
        summary: "Confirm a held consent (only with CALENDAR_SERVER_CONNECT_CONFIRM_URL)",
        description:
          "Call it from your backend, once you know the logged-in user is the customer named by the " +
          "redirect's customer_id, with the redirect's connect_code, within 10 minutes. Only then is the " +
          "connection active. A code is single use; an unconfirmed consent is discarded and its grant " +
          "revoked. 404 when confirmation is off.",
        requestBody: jsonBody("ConfirmRequest"),
        responses: {
          "200": jsonResponse("Connected", "ConfirmResponse"),
          ...errors(["400", "401", "404", "413", "429", "503"]),
        },
      },
    },
    "/oauth/status/{customer_id}": {
      get: {
        tags: ["oauth"],
        operationId: "connectionStatus",
        summary: "Is this customer's calendar connected? Never returns a token.",
        parameters: [customerIdParameter("path")],
        responses: {
          "200": jsonResponse("Connection status", "StatusResponse"),
          ...errors(["400", "401", "500", "503"]),
        },
      },
    },
    "/oauth/disconnect": {
      post: {
        tags: ["oauth"],
        operationId: "disconnect",
        summary: "Revoke the grant at Google and forget the customer's tokens (idempotent)",
        requestBody: jsonBody("DisconnectRequest"),
        responses: {
          "200": jsonResponse("Disconnected (or nothing was connected)", "DisconnectResponse"),
          ...errors(["400", "401", "413", "503"]),
        },
      },
    },
    "/healthz": {
      get: {
        tags: ["operations"],
        operationId: "health",
        summary: "Liveness and storage readiness",
        security: [],
        responses: {
          "200": jsonResponse("Healthy", "HealthResponse"),
          "503": jsonResponse("A dependency is failing", "HealthResponse"),
        },
      },
    },
    "/mcp": {
      post: {
        tags: ["mcp"],
        operationId: "mcp",
        summary: "MCP Streamable HTTP endpoint (JSON-RPC 2.0)",
        description:
          "Speak MCP here with any MCP client (initialize, tools/list, tools/call). Calendar tools " +
          "act for the customer named by the X-Customer-Id header or the tool's customer_id argument.",
        parameters: [
          {
            name: "X-Customer-Id",
            in: "header",
            required: false,
            description: "The customer the tools act for; a tool's customer_id argument must match it",
            schema: { type: "string" },
          },
        ],
        requestBody: {
          required: true,
          content: { "application/json": { schema: JSON_RPC_MESSAGE } },
        },
        responses: {
          "200": {
            description: "JSON-RPC response, as JSON or as a server-sent event stream",
            content: {
              "application/json": { schema: JSON_RPC_MESSAGE },
              "text/event-stream": { schema: { type: "string" } },
            },
          },
          "202": { description: "Accepted (a notification or response; nothing to answer)" },
          ...errors(["400", "401", "413"]),
          ...rpcErrors({
            "403": "This Origin (or Host) may not call the MCP endpoint (DNS-rebinding defence)",
            "406": "Accept does not cover application/json",
            "415": "Content-Type is not application/json",
            "429": "This API key is over its request budget; see Retry-After",
          }),
        },
      },
      get: {
        tags: ["mcp"],
        operationId: "mcpGet",
        summary: "Not served: this server keeps no sessions or server-sent event streams",
        responses: {
          ...errors(["401"]),
          ...rpcErrors({ "405": "Method Not Allowed (Allow: POST)" }),
        },
      },
    },
    "/google/notifications": {
      post: {
        tags: ["google"],
        operationId: "googlePushNotification",
        summary: "Where Google pushes calendar change notifications (only with webhooks on, by push)",
        description:
          "Public (Google sends no API key); mounted when webhooks are on (CALENDAR_SERVER_WEBHOOK_URL) " +
          "and calendars are followed by push (the REST backend with GOOGLE_CHANGE_POLL_SECONDS=0), " +
          "else 404. Google calls it on each change of a followed " +
          "calendar; only a notification naming a channel this server opened, with that channel's " +
          "token, schedules a sync (which sends calendar.events_changed). No body is sent or read. " +
          "Each channel may send CALENDAR_SERVER_RATE_LIMIT_PUSH notifications a minute (per " +
          "instance); beyond that the answer is 503 with Retry-After, which Google retries later " +
          "with exponential backoff, and nothing is synced for it (the next sync reads every change).",
        security: [],
        parameters: [
          googHeader("X-Goog-Channel-ID", "The channel's id, as this server named it in events.watch", true, {
            maxLength: 64,
          }),
          googHeader(
            "X-Goog-Channel-Token",
            "The channel's secret, as this server set it; required to be accepted",
          ),
          googHeader("X-Goog-Resource-ID", "Google's id of the watched calendar; must match the channel's"),
          googHeader(
            "X-Goog-Resource-State",
            "sync when the channel opens, exists when the calendar changed",
            true,
            {
              enum: ["sync", "exists", "not_exists"],
            },
          ),
          googHeader(
            "X-Goog-Message-Number",
            "Increases with each message of the channel (not read)",
            false,
            {
              pattern: "^[0-9]+$",
            },
          ),
          googHeader("X-Goog-Channel-Expiration", "When the channel expires, an HTTP date (not read)"),
        ],
        responses: {
          "200": { description: "Accepted: a change schedules a sync; a sync message is acknowledged" },
          "400": {
            description:
              "Not a Google Calendar notification (no resource state, no channel id or one over 64 characters)",
            content: { "application/json": { schema: ref("Error") } },
          },
          "401": {
            description: "Unknown channel, wrong token or wrong resource (unknown_channel); nothing changes",
            content: { "application/json": { schema: ref("Error") } },
          },
          "404": {
            description: "Change tracking by push is off on this server (not_found)",
            content: { "application/json": { schema: ref("Error") } },
          },
          "503": {
            description:
              "This channel is over its budget (rate_limited), or the token store is unavailable " +
              "(storage_unavailable); Google retries later",
            headers: {
              "Retry-After": {
                description: "Seconds to wait (with rate_limited)",
                schema: { type: "integer" },
              },
            },
            content: { "application/json": { schema: ref("Error") } },
          },
        },
      },
    },
    "/metrics": {
      get: {
        tags: ["operations"],
        operationId: "metrics",
        summary: "Prometheus metrics (text exposition format)",
        responses: {
          "200": {
            description: "Metrics",
            content: { "text/plain; version=0.0.4": { schema: { type: "string" } } },
          },
          ...errors(["401"]),
        },
      },
    },
  };
}

const JSON_RPC_MESSAGE = {
  type: "object",
  description: "A JSON-RPC 2.0 message (or a batch of them) as the MCP specification defines",
  properties: {
    jsonrpc: { const: "2.0" },
    id: { type: ["string", "integer"] },
    method: { type: "string" },
    params: { type: "object" },
  },
  required: ["jsonrpc"],
};

const ERROR_DESCRIPTIONS: Record<string, string> = {
  "400": "Invalid request (the error code says which field)",
  "401": "Missing or invalid API key",
  "403": "Refused (e.g. the user denied consent, or account_mismatch)",
  "404": "Not found (here: the feature is off)",
  "413": "Request body too large",
  "429": "Too many requests (rate_limited; Retry-After says when to try again)",
  "500": "The stored record cannot be opened",
  "502": "Google failed or answered something unexpected",
  "503": "The token store is unavailable",
};

function ref(name: SchemaName): { $ref: string } {
  return { $ref: `#/components/schemas/${name}` };
}

function jsonBody(name: SchemaName): Record<string, unknown> {
  return { required: true, content: { "application/json": { schema: ref(name) } } };
}

function jsonResponse(description: string, name: SchemaName): Record<string, unknown> {
  return { description, content: { "application/json": { schema: ref(name) } } };
}

function errors(statuses: string[], html = false): Record<string, unknown> {
  const content = {
    "application/json": { schema: ref("Error") },
    ...(html ? { "text/html": { schema: { type: "string" } } } : {}),
  };
  return Object.fromEntries(
    statuses.map((status) => [status, { description: ERROR_DESCRIPTIONS[status], content }]),
  );
}

/**
 * /mcp refuses at the transport with a JSON-RPC error object (id null), as MCP clients expect;
 * a 429 carries Retry-After.
 */
function rpcErrors(descriptions: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(descriptions).map(([status, description]) => [
      status,
      {
        description,
        content: { "application/json": { schema: JSON_RPC_MESSAGE } },
        ...(status === "429"
          ? { headers: { "Retry-After": { description: "Seconds to wait", schema: { type: "integer" } } } }
          : {}),
      },
    ]),
  );
}

function customerIdParameter(where: "query" | "path"): Record<string, unknown> {
  // The same field the JSON bodies carry, so the rule is described once.
  const { description, ...schema } = jsonSchemaOf(disconnectRequest.shape.customer_id, "input");
  return { name: "customer_id", in: where, required: true, description, schema };
}

/** A header Google sets on every push notification. */
function googHeader(
  name: string,
  description: string,
  required = false,
  schema: Record<string, unknown> = {},
): Record<string, unknown> {
  return { name, in: "header", required, description, schema: { type: "string", ...schema } };
}

function queryParameter(name: string, description: string): Record<string, unknown> {
  return { name, in: "query", required: false, description, schema: { type: "string" } };
}
