/**
 * The read-only OpenID endpoints: the signing keys (`/oauth2/v3/certs`), the discovery document
 * and `/oauth2/v3/userinfo`. Endpoint URLs in the discovery document point at this emulator.
 */

import { Hono } from "hono";
import type { EmulatorState } from "../emulator-state.ts";
import { oauthErrorResponse } from "./google-errors.ts";
import type { IdTokenSigner } from "./id-token.ts";
import { USERINFO_EMAIL, USERINFO_PROFILE } from "./scope-catalogue.ts";

export function discoveryRoutes(state: EmulatorState, signer: IdTokenSigner): Hono {
  const app = new Hono();

  app.get("/oauth2/v3/certs", async (c) => {
    c.header("Cache-Control", "public, max-age=19800, must-revalidate, no-transform");
    return c.json(await signer.jwks());
  });

  app.get("/.well-known/openid-configuration", (c) => {
    const origin = new URL(c.req.url).origin;
    return c.json({
      issuer: state.options.issuer,
      authorization_endpoint: `${origin}/o/oauth2/v2/auth`,
      token_endpoint: `${origin}/token`,
      userinfo_endpoint: `${origin}/oauth2/v3/userinfo`,
      revocation_endpoint: `${origin}/revoke`,
      jwks_uri: `${origin}/oauth2/v3/certs`,
      response_types_supported: ["code"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
      scopes_supported: ["openid", "email", "profile"],
      token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
      claims_supported: ["aud", "email", "email_verified", "exp", "iat", "iss", "name", "sub"],
      code_challenge_methods_supported: ["plain", "S256"],
      grant_types_supported: ["authorization_code", "refresh_token"],
    });
  });

  app.get("/oauth2/v3/userinfo", (c) => {
    const header = c.req.header("Authorization") ?? "";
    const token = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim() ?? c.req.query("access_token") ?? "";
    const issued = state.accessTokens.get(token);
    if (issued === undefined || issued.expiresAt <= Date.now()) {
      return oauthErrorResponse(401, { error: "invalid_request", error_description: "Invalid Credentials" });
    }
    const account = state.accounts.get(issued.email);
    const body: Record<string, unknown> = { sub: account?.sub ?? "" };
    if (issued.scopes.includes(USERINFO_PROFILE)) body.name = account?.name ?? issued.email;
    if (issued.scopes.includes(USERINFO_EMAIL)) {
      body.email = issued.email;
      body.email_verified = true;
    }
    return c.json(body);
  });

  return app;
}
