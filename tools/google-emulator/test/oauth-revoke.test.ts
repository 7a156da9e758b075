import { describe, expect, test } from "bun:test";
import { createGoogleEmulator } from "../src/google-emulator.ts";
import { obtainTokens, postToken } from "./oauth-test-helpers.ts";

function revoke(app: ReturnType<typeof createGoogleEmulator>["app"], token: string, where: "body" | "query") {
  return where === "body"
    ? app.request("/revoke", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token }),
      })
    : app.request(`/revoke?token=${encodeURIComponent(token)}`, { method: "POST" });
}

describe("POST /revoke", () => {
  test("revoking the refresh token ends the grant: refresh fails as Google says", async () => {
    const { app, state } = createGoogleEmulator();
    const tokens = await obtainTokens(app);
    const response = await revoke(app, tokens.refresh_token ?? "", "body");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    expect(state.counters.revocations).toBe(1);
    expect(state.accessTokens.has(tokens.access_token)).toBe(false);
    const refresh = await postToken(app, {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token ?? "",
    });
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toEqual({
      error: "invalid_grant",
      error_description: "Token has been expired or revoked.",
    });
  });

  test("revoking the access token (token in the query) revokes its refresh token too", async () => {
    const { app, state } = createGoogleEmulator();
    const tokens = await obtainTokens(app);
    expect((await revoke(app, tokens.access_token, "query")).status).toBe(200);
    expect(state.refreshTokens.get(tokens.refresh_token ?? "")?.revoked).toBe(true);
  });

  test("revocation withdraws every grant the account gave that client, not other accounts'", async () => {
    const { app, state } = createGoogleEmulator({
      accounts: [{ email: "a@example.com" }, { email: "b@example.com" }],
    });
    const first = await obtainTokens(app, { login_hint: "a@example.com" });
    const second = await obtainTokens(app, { login_hint: "a@example.com", prompt: "consent" });
    const other = await obtainTokens(app, { login_hint: "b@example.com" });
    await revoke(app, first.refresh_token ?? "", "body");
    expect(state.refreshTokens.get(second.refresh_token ?? "")?.revoked).toBe(true);
    expect(state.refreshTokens.get(other.refresh_token ?? "")?.revoked).toBe(false);
  });

  test("an unknown or already revoked token is invalid_token", async () => {
    const { app, state } = createGoogleEmulator();
    const tokens = await obtainTokens(app);
    await revoke(app, tokens.refresh_token ?? "", "body");
    for (const token of [tokens.refresh_token ?? "", tokens.access_token, "ya29.unknown"]) {
      const response = await revoke(app, token, "body");
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: "invalid_token",
        error_description: "Token expired or revoked",
      });
    }
    expect(state.counters.revocations).toBe(1);
  });

  test("a request without a token is invalid_request", async () => {
    const { app } = createGoogleEmulator();
    const response = await app.request("/revoke", { method: "POST" });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: "invalid_request",
      error_description: "Missing required parameter: token",
    });
  });
});
