import { type Context, Hono } from "hono";
import type { z } from "zod";
import { parseCustomerId } from "../../domain/customer-id.ts";
import { DomainError, isDomainError } from "../../domain/errors.ts";
import type { ConfirmConnection } from "../../domain/services/confirm-connection.ts";
import type { ConnectCalendar } from "../../domain/services/connect-calendar.ts";
import type { DisconnectCalendar } from "../../domain/services/disconnect-calendar.ts";
import type { GetConnectionStatus } from "../../domain/services/get-connection-status.ts";
import type { Logger } from "../logging/logger.ts";
import { toStatusResponse } from "../shared/connection-status.ts";
import { exceedsJsonDepth, MAX_JSON_DEPTH } from "../shared/json-depth.ts";
import { type CallbackOutcome, preferredLanguage, renderCallbackPage } from "./callback-page.ts";
import { ConnectedReceipts } from "./connected-receipt.ts";
import { describeError, HttpError } from "./http-errors.ts";
import { authorizeRequest, confirmRequest, disconnectRequest } from "./http-schemas.ts";

export interface OAuthRouteDeps {
  connect: ConnectCalendar;
  disconnect: DisconnectCalendar;
  status: GetConnectionStatus;
  logger: Logger;
  /** Confirmation by the backend (with connectConfirmUrl); absent: consents are stored at once. */
  confirmConnection?: ConfirmConnection;
  /** Where the browser goes after consent when confirmation is on. */
  connectConfirmUrl?: string | null;
  /** Signs the success page's reload-safe address; a key of this process's own when absent. */
  connectedReceipts?: ConnectedReceipts;
}

const CONNECTED_MESSAGE = "Google Calendar conectado exitosamente";

/** Endpoints the AI backend calls with its API key (mounted behind apiKeyAuth). */
export function oauthApiRoutes(deps: OAuthRouteDeps): Hono {
  const app = new Hono();

  app.post("/authorize", async (c) => {
    const body = await readJson(c, authorizeRequest);
    const started = await deps.connect.start(
      parseCustomerId(body.customer_id),
      body.login_hint,
      body.expected_email,
    );
    return c.json({
      authorization_url: started.authorizationUrl,
      state: started.state,
      expires_at: started.expiresAt.toISOString(),
    });
  });

  app.get("/authorize", async (c) => {
    const started = await deps.connect.start(parseCustomerId(c.req.query("customer_id")));
    return c.redirect(started.authorizationUrl, 302);
  });

  app.get("/status/:customer_id", async (c) => {
    const status = await deps.status.execute(parseCustomerId(c.req.param("customer_id")));
    return c.json(toStatusResponse(status));
  });

  app.post("/confirm", async (c) => {
    const confirmation = deps.confirmConnection;
    if (confirmation === undefined) {
      throw new HttpError(
        404,
        "not_found",
        "Connection confirmation is off (CALENDAR_SERVER_CONNECT_CONFIRM_URL is not set)",
      );
    }
    const body = await readJson(c, confirmRequest);
    const done = await confirmation.confirm(body.connect_code);
    deps.logger.log("info", "calendar_connected", {
      customer_id: done.customerId,
      scopes: done.scopes,
      confirmed: true,
    });
    return c.json({
      success: true,
      customer_id: done.customerId,
      calendar_email: done.email,
      scopes: done.scopes,
    });
  });

  app.post("/disconnect", async (c) => {
    const body = await readJson(c, disconnectRequest);
    const result = await deps.disconnect.execute(parseCustomerId(body.customer_id));
    deps.logger.log("info", "calendar_disconnected", {
      customer_id: result.customerId,
      revoked: result.revoked,
      deleted: result.deleted,
    });
    return c.json({
      success: true,
      customer_id: result.customerId,
      revoked: result.revoked,
      revoked_at_google: result.revoked,
      ...(result.keptReason === undefined ? {} : { reason: result.keptReason }),
    });
  });

  return app;
}

/** Where Google sends the customer's browser back: public, answered as HTML or JSON. */
export function oauthCallbackRoute(deps: OAuthRouteDeps): Hono {
  const app = new Hono();
  const receipts =
    deps.connectedReceipts ?? new ConnectedReceipts(crypto.getRandomValues(new Uint8Array(32)));
  app.get("/callback", async (c) => {
    const receipt = c.req.query("connected");
    if (receipt !== undefined) {
      const shown = receipts.read(receipt, Date.now());
      if (shown === undefined) return c.html(page(c, { kind: "expired" }), 400);
      return c.html(page(c, { kind: "connected", email: shown.email }));
    }
    const code = c.req.query("code");
    const state = c.req.query("state") ?? "";
    const googleError = c.req.query("error");
    try {
      if (googleError !== undefined) throw await deps.connect.refusal(state, googleError.slice(0, 100));
      if (code === undefined || code === "") {
        throw new HttpError(400, "invalid_request", "The callback needs code and state (or error and state)");
      }
      const done = await deps.connect.complete(state, code);
      if (done.held !== undefined && deps.connectConfirmUrl) {
        deps.logger.log("info", "calendar_connection_held", { customer_id: done.customerId });
        return c.redirect(
          confirmLocation(deps.connectConfirmUrl, done.held.connectCode, done.customerId),
          302,
        );
      }
      deps.logger.log("info", "calendar_connected", { customer_id: done.customerId, scopes: done.scopes });
      // 303 to an address without the spent code and state, so a reload shows this page again.
      if (wantsHtml(c))
        return c.redirect(`callback?connected=${receipts.issue(done.email, Date.now())}`, 303);
      return c.json({
        success: true,
        customer_id: done.customerId,
        calendar_email: done.email,
        message: CONNECTED_MESSAGE,
      });
    } catch (error) {
      const { status, body } = describeError(error);
      deps.logger.log(status >= 500 ? "error" : "warn", "oauth_callback_failed", {
        code_kind: body.error.code,
      });
      if (wantsHtml(c)) return c.html(page(c, outcomeOf(error)), status);
      return c.json(body, status);
    }
  });
  return app;
}

/** The backend's page, told which consent to confirm and for whom. */
function confirmLocation(base: string, connectCode: string, customerId: string): string {
  const url = new URL(base);
  url.searchParams.set("connect_code", connectCode);
  url.searchParams.set("customer_id", customerId);
  return url.toString();
}

function outcomeOf(error: unknown): CallbackOutcome {
  if (isDomainError(error, "access_denied")) return { kind: "denied" };
  if (isDomainError(error, "invalid_state")) return { kind: "expired" };
  if (isDomainError(error, "account_mismatch")) return { kind: "mismatch" };
  return { kind: "failed" };
}

function page(c: Context, outcome: CallbackOutcome): string {
  return renderCallbackPage(outcome, preferredLanguage(c.req.header("accept-language")));
}

/** Browsers ask for text/html; API clients (and the seed's examples) get JSON. */
function wantsHtml(c: Context): boolean {
  const accept = c.req.header("accept") ?? "";
  return accept.includes("text/html");
}

/** Parse and validate a JSON body; any failure is a 400 naming the problem. */
export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const text = await c.req.text();
  if (exceedsJsonDepth(text)) {
    throw new HttpError(
      400,
      "invalid_request",
      `JSON nested deeper than ${MAX_JSON_DEPTH} levels is refused`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new HttpError(400, "invalid_json", "The request body must be a JSON object");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") || "body";
    // A missing or non-string customer_id is the same fault as a malformed one.
    if (field === "customer_id") throw new DomainError("invalid_customer_id", "customer_id is required");
    throw new HttpError(400, "invalid_argument", `${field}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}
