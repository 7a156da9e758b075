import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { ErrorCode } from "@modelcontextprotocol/sdk/types.js";
import { type Context, Hono } from "hono";
import type { AppEnv } from "../shared/app-env.ts";
import type { RateLimiter } from "../shared/rate-limiter.ts";
import { jsonTextUnfragmented, responseUnfragmented } from "../shared/unfragmented-body.ts";
import { answerToolCallDirectly } from "./direct-tool-call.ts";
import { type JsonRpcErrorResponse, rpcError, takeIn } from "./json-rpc-intake.ts";
import { callerOf } from "./mcp-caller.ts";
import { createMcpServer, type McpServerDeps } from "./mcp-server-factory.ts";
import { originPolicy } from "./origin-guard.ts";

export interface McpAppDeps extends McpServerDeps {
  /** Browser origins allowed to call; a request with any other Origin header is refused (DNS rebinding). */
  allowedOrigins: string[];
  /** The server's public base URL: on loopback, the loopback names are allowed without configuration. */
  baseUrl?: string;
  /** Requests per API key (CALENDAR_SERVER_RATE_LIMIT_PER_API_KEY); over budget is HTTP 429. */
  apiKeyLimiter?: RateLimiter;
}

/** What the SDK transport insists on seeing; we answer JSON whatever the client listed. */
const TRANSPORT_ACCEPT = "application/json, text/event-stream";
/** Server errors of the transport spec's kind (HTTP-level refusals), as the SDK itself uses. */
const TRANSPORT_ERROR = -32000;

/**
 * The MCP endpoint: stateless Streamable HTTP, one fresh server and transport per POST (a shared
 * stateless transport mixes up concurrent requests' ids), JSON answers, no sessions, no SSE. A
 * single tools/call, nearly every request, is answered without them (direct-tool-call.ts), the
 * same answer for a fraction of the work.
 * Mount it behind the API key (`protectedApps: { "/mcp": createMcpApp(deps) }`).
 *
 * Plain JSON-RPC clients are first-class: a bare tools/call without initialize, with
 * `Accept: *\/*`, `application/json` or no Accept at all (Python httpx, requests, urllib) works.
 */
export function createMcpApp(deps: McpAppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const origins = originPolicy(deps.baseUrl, deps.allowedOrigins);

  app.use("*", async function mcpOriginGuard(c, next) {
    const refusal = origins.refusal(c.req.header("host"), c.req.header("origin"));
    if (refusal !== null) return c.json(rpcError(null, TRANSPORT_ERROR, refusal), 403);
    await next();
  });

  // Every HTTP request spends one unit, whatever it holds; a batch then spends one more per
  // further message (below), so batching cannot multiply the budget.
  app.use("*", async function mcpApiKeyLimit(c, next) {
    const refused = overBudget(c, deps.apiKeyLimiter, 1);
    if (refused !== null) return refused;
    await next();
  });

  app.post("/", async (c) => {
    if (!isJson(c.req.header("content-type"))) {
      return refuse(c, 415, "Unsupported Media Type: Content-Type must be application/json");
    }
    if (!acceptsJson(c.req.header("accept"))) {
      return refuse(c, 406, "Not Acceptable: this endpoint answers application/json");
    }
    const caller = callerOf(
      c.req.header("x-customer-id"),
      c.get("apiKeyId") ?? null,
      c.get("requestId") ?? null,
    );
    if (caller === null) {
      const error = rpcError(null, ErrorCode.InvalidParams, "X-Customer-Id is not a valid customer id", {
        code: "invalid_customer_id",
      });
      return c.json(error, 400);
    }
    const intake = takeIn(await c.req.text(), caller);
    if (intake.kind === "answer") {
      // A backend sending malformed calls, or calls for another customer, is worth an operator's look.
      deps.logger.log("warn", "mcp_request_refused", {
        request_id: c.get("requestId") ?? null,
        reasons: [intake.body].flat().map((answer) => answer.error.data?.code ?? answer.error.code),
      });
      return c.json(intake.body, intake.status);
    }
    if (Array.isArray(intake.body) && intake.body.length > 1) {
      const refused = overBudget(c, deps.apiKeyLimiter, intake.body.length - 1);
      if (refused !== null) return refused;
    }

    if (intake.toolCall !== null) {
      const version = c.req.header("mcp-protocol-version") ?? null;
      const direct = await answerToolCallDirectly(intake.toolCall, version, deps, caller);
      if (direct !== null) return jsonTextUnfragmented(c, direct);
    }

    const server = createMcpServer(deps, caller);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    try {
      return await responseUnfragmented(
        await transport.handleRequest(withTransportAccept(c.req.raw), { parsedBody: intake.body }),
      );
    } finally {
      await server.close();
    }
  });

  app.all("/", (c) => {
    c.header("Allow", "POST");
    return refuse(
      c,
      405,
      "Method Not Allowed: POST JSON-RPC messages here; this server keeps no sessions or streams",
    );
  });
  return app;
}

/** HTTP 429 when the API key cannot spend `cost` more units now (spending nothing then); else null. */
function overBudget(c: Context<AppEnv>, limiter: RateLimiter | undefined, cost: number): Response | null {
  // Keyed by the key's non-secret id; a bare test mount without the API key shares one budget.
  const decision = limiter?.take(c.get("apiKeyId") ?? "anonymous", cost);
  if (decision === undefined || decision.allowed) return null;
  const seconds = decision.retryAfterSeconds;
  c.header("Retry-After", String(seconds));
  const message = `Too Many Requests: this API key is over its request budget (each message of a batch counts); retry after ${seconds} seconds`;
  return c.json(
    rpcError(null, TRANSPORT_ERROR, message, { code: "rate_limited", retry_after_seconds: seconds }),
    429,
  );
}

function refuse(c: Context, status: 405 | 406 | 415, message: string): Response {
  const body: JsonRpcErrorResponse = rpcError(null, TRANSPORT_ERROR, message);
  return c.json(body, status);
}

function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.split(";")[0]?.trim().toLowerCase() === "application/json";
}

/** No Accept means anything; otherwise one of its media ranges must cover application/json. */
function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === "") return true;
  return accept.split(",").some((range) => {
    const [type = "", ...params] = range.trim().toLowerCase().split(";");
    const refused = params.some((param) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(param));
    return !refused && ["application/json", "application/*", "*/*"].includes(type.trim());
  });
}

/** The same request as the transport must see it: its Accept header listing both types. */
function withTransportAccept(request: Request): Request {
  const headers = new Headers(request.headers);
  headers.set("accept", TRANSPORT_ACCEPT);
  return new Request(request.url, { method: "POST", headers });
}
