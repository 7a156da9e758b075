/**
 * The emulator served over real HTTP and driven by arctic's generic OAuth2Client, the library
 * our Google adapter uses: proof that a real client library accepts the emulator's answers.
 */

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  CodeChallengeMethod,
  decodeIdToken,
  generateCodeVerifier,
  generateState,
  OAuth2Client,
  OAuth2RequestError,
} from "arctic";
import { type RunningGoogleEmulator, startGoogleEmulator } from "../src/google-emulator.ts";
import { CALENDAR_EVENTS, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI } from "./oauth-test-helpers.ts";

describe("arctic OAuth2Client against a running emulator", () => {
  let emulator: RunningGoogleEmulator;

  beforeAll(async () => {
    emulator = await startGoogleEmulator({ options: { autoApproveEmail: "arctic.user@example.com" } });
  });

  afterAll(async () => {
    await emulator.stop();
  });

  test("authorize with PKCE, exchange, refresh, revoke", async () => {
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = new OAuth2Client(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI);
    const state = generateState();
    const verifier = generateCodeVerifier();
    const url = client.createAuthorizationURLWithPKCE(
      `${emulator.url}/o/oauth2/v2/auth`,
      state,
      CodeChallengeMethod.S256,
      verifier,
      ["openid", "email", CALENDAR_EVENTS],
    );
    url.searchParams.set("access_type", "offline");
    url.searchParams.set("prompt", "consent");

    const redirect = await fetch(url, { redirect: "manual" });
    expect(redirect.status).toBe(302);
    const callback = new URL(redirect.headers.get("Location") ?? "");
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
    expect(callback.searchParams.get("state")).toBe(state);
    const code = callback.searchParams.get("code") ?? "";

    const tokens = await client.validateAuthorizationCode(`${emulator.url}/token`, code, verifier);
    expect(tokens.tokenType()).toBe("Bearer");
    expect(tokens.accessToken()).toMatch(/^ya29\./);
    expect(tokens.hasRefreshToken()).toBe(true);
    expect(tokens.scopes()).toContain(CALENDAR_EVENTS);
    expect(tokens.accessTokenExpiresInSeconds()).toBe(3599);
    expect(decodeIdToken(tokens.idToken())).toMatchObject({
      email: "arctic.user@example.com",
      aud: CLIENT_ID,
    });

    const refreshed = await client.refreshAccessToken(`${emulator.url}/token`, tokens.refreshToken(), []);
    expect(refreshed.accessToken()).not.toBe(tokens.accessToken());
    expect(refreshed.hasRefreshToken()).toBe(false);

    await client.revokeToken(`${emulator.url}/revoke`, tokens.refreshToken());
    const failure = await client.refreshAccessToken(`${emulator.url}/token`, tokens.refreshToken(), []).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(OAuth2RequestError);
    expect((failure as OAuth2RequestError).code).toBe("invalid_grant");
    expect((failure as OAuth2RequestError).description).toBe("Token has been expired or revoked.");

    const stats = (await (await fetch(`${emulator.url}/__emulator/stats`)).json()) as Record<string, unknown>;
    expect(stats).toMatchObject({
      codeExchanges: 1,
      refreshes: 1,
      revocations: 1,
      tokenRequests: 3,
      refreshesByEmail: { "arctic.user@example.com": 1 },
    });
  });
});
