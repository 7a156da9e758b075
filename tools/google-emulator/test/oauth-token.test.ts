import { describe, expect, test } from "bun:test";
import { createGoogleEmulator } from "../src/google-emulator.ts";
import {
  authorizationCode,
  CALENDAR_EVENTS,
  errorOf,
  obtainTokens,
  pkcePair,
  postToken,
  REDIRECT_URI,
  type TokenBody,
  USERINFO_EMAIL,
} from "./oauth-test-helpers.ts";

describe("authorization_code grant", () => {
  test("exchanges a PKCE-protected code for Google-shaped tokens and counts it", async () => {
    const { app, state } = createGoogleEmulator();
    const pkce = await pkcePair();
    const code = await authorizationCode(app, {
      code_challenge: pkce.challenge,
      code_challenge_method: "S256",
    });
    const response = await postToken(app, {
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: pkce.verifier,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toContain("no-store");
    const body = (await response.json()) as TokenBody;
    expect(Object.keys(body)).toEqual([
      "access_token",
      "expires_in",
      "refresh_token",
      "scope",
      "token_type",
      "id_token",
    ]);
    expect(body.access_token).toMatch(/^ya29\./);
    expect(body.refresh_token).toMatch(/^1\/\//);
    expect(body.expires_in).toBe(3599);
    expect(body.token_type).toBe("Bearer");
    expect(body.scope.split(" ").sort()).toEqual(["openid", USERINFO_EMAIL, CALENDAR_EVENTS].sort());
    expect(state.accessTokens.get(body.access_token)?.email).toBe("sandbox.user@example.com");
    expect(state.counters.codeExchanges).toBe(1);
    expect(state.counters.tokenRequests).toBe(1);
  });

  test("a wrong or missing code_verifier is invalid_grant", async () => {
    const { app, state } = createGoogleEmulator();
    const pkce = await pkcePair();
    const code = await authorizationCode(app, {
      code_challenge: pkce.challenge,
      code_challenge_method: "S256",
    });
    const exchange = (verifier: string | null) =>
      postToken(app, {
        grant_type: "authorization_code",
        code,
        redirect_uri: REDIRECT_URI,
        ...(verifier === null ? {} : { code_verifier: verifier }),
      });
    expect(await errorOf(await exchange((await pkcePair()).verifier))).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "Invalid code verifier." },
    });
    expect(await errorOf(await exchange(null))).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "Missing code verifier." },
    });
    expect(state.counters.codeExchanges).toBe(0);
    expect(state.counters.tokenRequests).toBe(2);
    expect((await exchange(pkce.verifier)).status).toBe(200);
  });

  test("plain PKCE works too", async () => {
    const { app } = createGoogleEmulator();
    const verifier = "v".repeat(50);
    const code = await authorizationCode(app, { code_challenge: verifier, code_challenge_method: "plain" });
    const response = await postToken(app, {
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    expect(response.status).toBe(200);
  });

  test("a replayed code is invalid_grant and revokes the tokens it bought", async () => {
    const { app, state } = createGoogleEmulator();
    const code = await authorizationCode(app);
    const exchange = () =>
      postToken(app, { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI });
    const first = (await (await exchange()).json()) as TokenBody;
    expect(state.accessTokens.has(first.access_token)).toBe(true);
    expect(await errorOf(await exchange())).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "Bad Request" },
    });
    expect(state.accessTokens.has(first.access_token)).toBe(false);
    const refresh = await postToken(app, {
      grant_type: "refresh_token",
      refresh_token: first.refresh_token ?? "",
    });
    expect(await errorOf(refresh)).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "Token has been expired or revoked." },
    });
  });

  test("expired, unknown and foreign-redirect codes", async () => {
    const { app, state } = createGoogleEmulator();
    const unknown = await postToken(app, {
      grant_type: "authorization_code",
      code: "4/0nope",
      redirect_uri: REDIRECT_URI,
    });
    expect(await errorOf(unknown)).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "Bad Request" },
    });
    const code = await authorizationCode(app);
    const mismatch = await postToken(app, {
      grant_type: "authorization_code",
      code,
      redirect_uri: "http://localhost:1/other",
    });
    expect(await errorOf(mismatch)).toEqual({
      status: 400,
      body: { error: "redirect_uri_mismatch", error_description: "Bad Request" },
    });
    state.options.codeTtlSeconds = 0;
    const stale = await authorizationCode(app);
    const expired = await postToken(app, {
      grant_type: "authorization_code",
      code: stale,
      redirect_uri: REDIRECT_URI,
    });
    expect((await errorOf(expired)).body).toEqual({
      error: "invalid_grant",
      error_description: "Bad Request",
    });
  });

  test("a verifier for a code that had no challenge is rejected", async () => {
    const { app } = createGoogleEmulator();
    const code = await authorizationCode(app);
    const response = await postToken(app, {
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: "x".repeat(43),
    });
    expect((await errorOf(response)).body).toEqual({
      error: "invalid_grant",
      error_description: "code_verifier or verifier is not needed.",
    });
  });

  test("a refresh token comes on first offline consent, then only with prompt=consent", async () => {
    const { app } = createGoogleEmulator();
    expect((await obtainTokens(app, { access_type: null })).refresh_token).toBeUndefined();
    expect((await obtainTokens(app)).refresh_token).toBeDefined();
    expect((await obtainTokens(app)).refresh_token).toBeUndefined();
    expect((await obtainTokens(app, { prompt: "consent" })).refresh_token).toBeDefined();
  });

  test("include_granted_scopes adds what the account granted before", async () => {
    const { app } = createGoogleEmulator();
    await obtainTokens(app);
    const later = await obtainTokens(app, { scope: "openid", include_granted_scopes: "true" });
    expect(later.scope.split(" ")).toContain(CALENDAR_EVENTS);
    const narrow = await obtainTokens(app, { scope: "openid" });
    expect(narrow.scope).toBe("openid");
  });

  test("accessTokenTtlSeconds sets expires_in and the stored expiry", async () => {
    const { app, state } = createGoogleEmulator({ options: { accessTokenTtlSeconds: 60 } });
    const tokens = await obtainTokens(app);
    expect(tokens.expires_in).toBe(60);
    const expiresAt = state.accessTokens.get(tokens.access_token)?.expiresAt ?? 0;
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(60_000);
    expect(expiresAt - Date.now()).toBeGreaterThan(50_000);
  });
});
