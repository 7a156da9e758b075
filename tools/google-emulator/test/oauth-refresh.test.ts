import { describe, expect, test } from "bun:test";
import { createGoogleEmulator } from "../src/google-emulator.ts";
import {
  CALENDAR_EVENTS,
  CLIENT_ID,
  errorOf,
  obtainTokens,
  postToken,
  type TokenBody,
  USERINFO_EMAIL,
} from "./oauth-test-helpers.ts";

describe("refresh_token grant", () => {
  test("mints a new access token without rotating the refresh token, and counts it", async () => {
    const { app, state } = createGoogleEmulator();
    const tokens = await obtainTokens(app);
    const response = await postToken(
      app,
      { grant_type: "refresh_token", refresh_token: tokens.refresh_token ?? "" },
      "basic",
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as TokenBody;
    expect(body.access_token).toMatch(/^ya29\./);
    expect(body.access_token).not.toBe(tokens.access_token);
    expect(body.refresh_token).toBeUndefined();
    expect(body.scope).toBe(tokens.scope);
    expect(body.token_type).toBe("Bearer");
    expect(state.counters.refreshes).toBe(1);
    expect(state.counters.refreshesByEmail.get("sandbox.user@example.com")).toBe(1);
    expect(state.counters.tokenRequests).toBe(2);
  });

  test("a refresh may narrow the scope but not widen it", async () => {
    const { app } = createGoogleEmulator();
    const tokens = await obtainTokens(app, { scope: `openid ${CALENDAR_EVENTS}` });
    const refreshToken = tokens.refresh_token ?? "";
    const narrow = await postToken(app, {
      grant_type: "refresh_token",
      refresh_token: refreshToken,
      scope: CALENDAR_EVENTS,
    });
    expect(((await narrow.json()) as TokenBody).scope).toBe(CALENDAR_EVENTS);
    const wide = await postToken(app, {
      grant_type: "refresh_token",
      refresh_token: refreshToken,
      scope: "email",
    });
    expect(await errorOf(wide)).toEqual({
      status: 400,
      body: {
        error: "invalid_scope",
        error_description: `Some requested scopes were invalid. {valid=[], invalid=[${USERINFO_EMAIL}]}`,
      },
    });
  });

  test("a refresh token used by another client is unauthorized_client", async () => {
    const other = {
      clientId: "other.apps.googleusercontent.com",
      clientSecret: "other-secret",
      redirectUris: [],
    };
    const { app } = createGoogleEmulator({
      clients: [other, { clientId: CLIENT_ID, clientSecret: "sandbox-client-secret", redirectUris: [] }],
    });
    const tokens = await obtainTokens(app);
    const response = await app.request("/token", {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: tokens.refresh_token ?? "",
        client_id: other.clientId,
        client_secret: other.clientSecret,
      }),
    });
    expect(await errorOf(response)).toEqual({
      status: 401,
      body: { error: "unauthorized_client", error_description: "Unauthorized" },
    });
  });
});
