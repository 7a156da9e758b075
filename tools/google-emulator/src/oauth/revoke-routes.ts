/**
 * `POST /revoke` (oauth2.googleapis.com/revoke). Google takes the token from the form body or
 * the query string, needs no client authentication, and revoking either kind of token
 * withdraws the app's whole access to the account: every access and refresh token the
 * account gave that client.
 */

import { Hono } from "hono";
import type { EmulatorState } from "../emulator-state.ts";
import { applyFault } from "./faults.ts";
import { googleRevokeErrors, TOKEN_RESPONSE_HEADERS } from "./google-errors.ts";
import { revokeAccess } from "./grants.ts";
import { readForm } from "./read-form.ts";

function tokenOwner(state: EmulatorState, token: string): { email: string; clientId: string } | null {
  const access = state.accessTokens.get(token);
  if (access !== undefined && access.expiresAt > Date.now()) return access;
  const refresh = state.refreshTokens.get(token);
  if (refresh !== undefined && !refresh.revoked) return refresh;
  return null;
}

export function revokeRoutes(state: EmulatorState): Hono {
  const app = new Hono();

  app.post("/revoke", async (c) => {
    const fault = await applyFault(state, "revoke", "json");
    if (fault !== undefined) return fault;
    const form = await readForm(c.req.raw);
    const token = c.req.query("token") || form.token || "";
    if (token === "") return googleRevokeErrors.missingToken();
    const owner = tokenOwner(state, token);
    if (owner === null) return googleRevokeErrors.unknownToken();
    revokeAccess(state, owner.email, owner.clientId);
    state.counters.revocations += 1;
    return Response.json({}, { status: 200, headers: TOKEN_RESPONSE_HEADERS });
  });

  return app;
}
