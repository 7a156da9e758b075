import { describe, expect, test } from "bun:test";
import type { Hono } from "hono";
import { createGoogleEmulator } from "../src/google-emulator.ts";
import { authorizePath, obtainTokens, postToken, redirectParams } from "./oauth-test-helpers.ts";

function control(app: Hono, method: string, path: string, body?: unknown): Promise<Response> {
  return Promise.resolve(
    app.request(`/__emulator${path}`, {
      method,
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
}

describe("fault injection", () => {
  test("a 503 on /token once, then normal service", async () => {
    const { app, state } = createGoogleEmulator();
    const tokens = await obtainTokens(app);
    const added = await control(app, "POST", "/faults", { target: "token", status: 503, times: 1 });
    expect(added.status).toBe(201);
    const refresh = () =>
      postToken(app, { grant_type: "refresh_token", refresh_token: tokens.refresh_token ?? "" });
    const failed = await refresh();
    expect(failed.status).toBe(503);
    expect(failed.headers.get("Content-Type")).toContain("text/html");
    expect(await failed.text()).toContain("Error 503 (Service Unavailable)");
    expect((await refresh()).status).toBe(200);
    expect(state.faults).toHaveLength(0);
    expect(state.counters.refreshes).toBe(1);
    expect(state.counters.tokenRequests).toBe(3);
  });

  test("a 500 defaults to Google's internal_failure body; headers and bodies can be set", async () => {
    const { app } = createGoogleEmulator();
    await control(app, "POST", "/faults", { target: "revoke", status: 500, times: 1 });
    await control(app, "POST", "/faults", {
      target: "revoke",
      status: 429,
      body: '{"error":"rate_limit_exceeded"}',
      headers: { "Retry-After": "7" },
      times: 1,
    });
    const revoke = () => app.request("/revoke?token=x", { method: "POST" });
    const internal = await revoke();
    expect(internal.status).toBe(500);
    expect(await internal.json()).toEqual({ error: "internal_failure" });
    const limited = await revoke();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("Retry-After")).toBe("7");
    expect(await limited.text()).toBe('{"error":"rate_limit_exceeded"}');
    expect((await revoke()).status).toBe(400);
  });

  test("a delay-only rule still serves the real answer, and is consumed", async () => {
    const { app, state } = createGoogleEmulator();
    await control(app, "POST", "/faults", { target: "token", delayMs: 20, times: 1 });
    const response = await postToken(app, { grant_type: "password" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe("unsupported_grant_type");
    expect(state.faults).toHaveLength(0);
  });

  test("auth faults answer with an HTML page; DELETE clears every rule", async () => {
    const { app, state } = createGoogleEmulator();
    await control(app, "POST", "/faults", { target: "auth", status: 502 });
    const page = await app.request(authorizePath());
    expect(page.status).toBe(502);
    expect(await page.text()).toContain("Error 502 (Server Error)");
    expect(state.faults).toHaveLength(1);
    await control(app, "DELETE", "/faults");
    expect(state.faults).toHaveLength(0);
    expect((await app.request(authorizePath())).status).toBe(200);
  });

  test("malformed rules are refused with the reason", async () => {
    const { app, state } = createGoogleEmulator();
    const response = await control(app, "POST", "/faults", { target: "token", status: "503" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain("status");
    expect(state.faults).toHaveLength(0);
  });
});

describe("/__emulator control routes", () => {
  test("stats report the counters as plain JSON, and reset-counters zeroes them", async () => {
    const { app, state } = createGoogleEmulator();
    const tokens = await obtainTokens(app);
    await postToken(app, { grant_type: "refresh_token", refresh_token: tokens.refresh_token ?? "" });
    state.countCalendarCall("events.insert");
    state.countMcp("mcpCalls", "create_event");
    const stats = await (await control(app, "GET", "/stats")).json();
    expect(stats).toEqual({
      codeExchanges: 1,
      refreshes: 1,
      refreshesByEmail: { "sandbox.user@example.com": 1 },
      revocations: 0,
      tokenRequests: 2,
      calendarCalls: { "events.insert": 1 },
      mcpCalls: { create_event: 1 },
      mcpRequests: {},
    });
    await control(app, "POST", "/reset-counters");
    expect(
      ((await (await control(app, "GET", "/stats")).json()) as { tokenRequests: number }).tokenRequests,
    ).toBe(0);
  });

  test("expire-tokens expires access tokens so userinfo rejects them", async () => {
    const { app, state } = createGoogleEmulator();
    const tokens = await obtainTokens(app);
    const userinfo = () =>
      app.request("/oauth2/v3/userinfo", { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    expect(await (await userinfo()).json()).toMatchObject({
      email: "sandbox.user@example.com",
      email_verified: true,
    });
    await control(app, "POST", "/expire-tokens", { email: "sandbox.user@example.com" });
    expect(state.accessTokens.get(tokens.access_token)?.expiresAt).toBe(0);
    expect((await userinfo()).status).toBe(401);
  });

  test("revoke-grants withdraws every grant of the account, like removing the app in Google", async () => {
    const { app } = createGoogleEmulator();
    const tokens = await obtainTokens(app);
    const response = await control(app, "POST", "/revoke-grants", { email: "sandbox.user@example.com" });
    expect(await response.json()).toEqual({ ok: true, revokedGrants: 1 });
    const refresh = await postToken(app, {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token ?? "",
    });
    expect(await refresh.json()).toEqual({
      error: "invalid_grant",
      error_description: "Token has been expired or revoked.",
    });
  });

  test("accounts, clients and options can be changed at run time", async () => {
    const { app, state } = createGoogleEmulator();
    const account = await control(app, "POST", "/accounts", {
      email: "eva@example.com",
      name: "Eva",
      timeZone: "America/Bogota",
    });
    expect(account.status).toBe(201);
    expect(await account.json()).toMatchObject({
      email: "eva@example.com",
      name: "Eva",
      timeZone: "America/Bogota",
    });
    expect(await (await app.request(authorizePath())).text()).toContain('value="eva@example.com"');

    await control(app, "POST", "/clients", {
      clientId: "web.apps.googleusercontent.com",
      clientSecret: "web-secret",
      redirectUris: ["https://app.example/cb"],
    });
    expect(state.clients.get("web.apps.googleusercontent.com")?.redirectUris).toEqual([
      "https://app.example/cb",
    ]);

    await control(app, "POST", "/options", { autoApproveEmail: "eva@example.com", accessTokenTtlSeconds: 5 });
    expect(state.options.accessTokenTtlSeconds).toBe(5);
    const params = redirectParams(await app.request(authorizePath()));
    expect(state.codes.get(params.get("code") ?? "")?.email).toBe("eva@example.com");
    await control(app, "POST", "/options", { autoApproveEmail: null });
    expect((await app.request(authorizePath())).status).toBe(200);

    const invalid = await control(app, "POST", "/options", { accessTokenTtlSeconds: -1 });
    expect(invalid.status).toBe(400);
  });

  test("discovery document and JWKS point at this emulator", async () => {
    const { app } = createGoogleEmulator();
    const discovery = (await (
      await app.request("http://emulator.test/.well-known/openid-configuration")
    ).json()) as Record<string, unknown>;
    expect(discovery.token_endpoint).toBe("http://emulator.test/token");
    expect(discovery.jwks_uri).toBe("http://emulator.test/oauth2/v3/certs");
    const jwks = (await (await app.request("/oauth2/v3/certs")).json()) as {
      keys: Array<Record<string, string>>;
    };
    expect(jwks.keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", e: "AQAB" });
  });
});
