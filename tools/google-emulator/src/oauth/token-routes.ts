/**
 * `POST /token` (oauth2.googleapis.com/token): the authorization_code and refresh_token grants,
 * with Google's error bodies. Every request is counted, answered or not.
 */

import { Hono } from "hono";
import type {
  EmulatorClient,
  EmulatorState,
  IssuedAccessToken,
  IssuedRefreshToken,
} from "../emulator-state.ts";
import { authenticateClient } from "./client-auth.ts";
import { applyFault } from "./faults.ts";
import { googleTokenErrors, TOKEN_RESPONSE_HEADERS } from "./google-errors.ts";
import { issueAccessToken, issueRefreshToken } from "./grants.ts";
import { base64Url, type IdTokenSigner, idTokenClaims } from "./id-token.ts";
import { readForm } from "./read-form.ts";
import { canonicalScopes, splitScopes } from "./scope-catalogue.ts";

/** Google's id_tokens live one hour whatever the access-token lifetime. */
const ID_TOKEN_LIFETIME_SECONDS = 3600;

async function pkceMatches(
  method: "S256" | "plain" | null,
  challenge: string,
  verifier: string,
): Promise<boolean> {
  if (method !== "S256") return challenge === verifier;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest)) === challenge;
}

interface Issued {
  access: IssuedAccessToken;
  refresh?: IssuedRefreshToken;
}

export function tokenRoutes(state: EmulatorState, signer: IdTokenSigner): Hono {
  const app = new Hono();

  /** Field order follows Google's answer: access_token, expires_in, refresh_token, scope, token_type, id_token. */
  async function tokenResponse({ access, refresh }: Issued, nonce: string | null): Promise<Response> {
    const body: Record<string, unknown> = {
      access_token: access.token,
      expires_in: state.options.accessTokenTtlSeconds,
    };
    if (refresh !== undefined) body.refresh_token = refresh.token;
    body.scope = access.scopes.join(" ");
    body.token_type = "Bearer";
    if (access.scopes.includes("openid")) {
      const account = state.accounts.get(access.email) ?? state.addAccount({ email: access.email });
      const claims = await idTokenClaims({
        issuer: state.options.issuer,
        clientId: access.clientId,
        account,
        scopes: access.scopes,
        accessToken: access.token,
        nonce,
        lifetimeSeconds: ID_TOKEN_LIFETIME_SECONDS,
      });
      body.id_token = await signer.sign(claims);
    }
    return Response.json(body, { status: 200, headers: TOKEN_RESPONSE_HEADERS });
  }

  async function exchangeCode(client: EmulatorClient, form: Record<string, string>): Promise<Response> {
    const code = form.code ?? "";
    if (code === "") return googleTokenErrors.missingParameter("code");
    const redirectUri = form.redirect_uri ?? "";
    if (redirectUri === "") return googleTokenErrors.missingParameter("redirect_uri");
    const grant = state.codes.get(code);
    if (grant === undefined || grant.clientId !== client.clientId) return googleTokenErrors.badCode();
    if (grant.used) {
      // RFC 6749 §4.1.2: a replayed code may mean it was stolen; withdraw what it bought.
      state.revokeGrant(grant.grantId);
      return googleTokenErrors.badCode();
    }
    if (grant.expiresAt <= Date.now()) return googleTokenErrors.badCode();
    if (grant.redirectUri !== redirectUri) return googleTokenErrors.redirectUriMismatch();
    const verifier = form.code_verifier ?? "";
    if (grant.codeChallenge === null) {
      if (verifier !== "") return googleTokenErrors.unexpectedVerifier();
    } else {
      if (verifier === "") return googleTokenErrors.missingVerifier();
      if (!(await pkceMatches(grant.codeChallengeMethod, grant.codeChallenge, verifier))) {
        return googleTokenErrors.wrongVerifier();
      }
    }
    grant.used = true;
    const owner = {
      clientId: client.clientId,
      email: grant.email,
      scopes: grant.scopes,
      grantId: grant.grantId,
    };
    const issued: Issued = { access: issueAccessToken(state, owner) };
    if (grant.issueRefreshToken === true) issued.refresh = issueRefreshToken(state, owner);
    state.counters.codeExchanges += 1;
    return tokenResponse(issued, grant.nonce ?? null);
  }

  async function refresh(client: EmulatorClient, form: Record<string, string>): Promise<Response> {
    const token = form.refresh_token ?? "";
    if (token === "") return googleTokenErrors.missingParameter("refresh_token");
    const stored = state.refreshTokens.get(token);
    if (stored === undefined || stored.revoked) return googleTokenErrors.revokedRefreshToken();
    if (stored.clientId !== client.clientId) return googleTokenErrors.foreignRefreshToken();
    let scopes = stored.scopes;
    if ((form.scope ?? "") !== "") {
      // A refresh may narrow the grant, never widen it.
      const requested = canonicalScopes(splitScopes(form.scope ?? ""));
      const invalid = requested.filter((scope) => !stored.scopes.includes(scope));
      if (invalid.length > 0) {
        return googleTokenErrors.invalidScope(
          requested.filter((scope) => stored.scopes.includes(scope)),
          invalid,
        );
      }
      scopes = requested;
    }
    const access = issueAccessToken(state, {
      clientId: stored.clientId,
      email: stored.email,
      scopes,
      grantId: stored.grantId,
    });
    const counters = state.counters;
    counters.refreshes += 1;
    counters.refreshesByEmail.set(stored.email, (counters.refreshesByEmail.get(stored.email) ?? 0) + 1);
    return tokenResponse({ access }, null);
  }

  app.post("/token", async (c) => {
    state.counters.tokenRequests += 1;
    const fault = await applyFault(state, "token", "json");
    if (fault !== undefined) return fault;
    const form = await readForm(c.req.raw);
    const grantType = form.grant_type ?? "";
    if (grantType !== "authorization_code" && grantType !== "refresh_token") {
      return googleTokenErrors.unsupportedGrantType(grantType);
    }
    const auth = authenticateClient(state, c.req.header("Authorization"), form);
    if (!auth.ok) return auth.response;
    return grantType === "authorization_code" ? exchangeCode(auth.client, form) : refresh(auth.client, form);
  });

  return app;
}
