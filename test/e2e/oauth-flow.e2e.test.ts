import { afterEach, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseCustomerId } from "../../src/domain/customer-id.ts";
import { consent, type Stack, startStack } from "./e2e-fixtures.ts";

const storages = ["sqlite", "encrypted_file"] as const;

describe.each(storages)("OAuth connect flow end to end (%s)", (storage) => {
  let stack: Stack;
  afterEach(async () => {
    await stack.stop();
  });

  test("authorize → consent → callback → status → expiry → refresh → disconnect", async () => {
    stack = await startStack(storage);
    const { emulator } = stack;

    // 1. The AI backend asks for the customer's authorization URL.
    const authorize = await stack.call("/oauth/authorize", {
      method: "POST",
      body: JSON.stringify({ customer_id: "user-123" }),
    });
    expect(authorize.status).toBe(200);
    const { authorization_url } = (await authorize.json()) as { authorization_url: string };
    const consentUrl = new URL(authorization_url);
    expect(consentUrl.origin).toBe(emulator.url);
    expect(consentUrl.searchParams.get("code_challenge_method")).toBe("S256");
    expect(consentUrl.searchParams.get("access_type")).toBe("offline");
    expect(consentUrl.searchParams.get("prompt")).toBe("consent");
    expect(consentUrl.searchParams.get("include_granted_scopes")).toBe("true");

    // 2. The customer consents at Google and comes back to our callback.
    const callback = await consent(authorization_url);
    expect(callback.status).toBe(200);
    expect(await callback.json()).toMatchObject({
      success: true,
      customer_id: "user-123",
      calendar_email: "ana.garcia@example.com",
    });
    expect(emulator.state.counters.codeExchanges).toBe(1);

    // 3. Status: connected, with the account and the granted scopes.
    const status = (await (await stack.call("/oauth/status/user-123")).json()) as Record<string, unknown>;
    expect(status).toMatchObject({
      connected: true,
      customer_id: "user-123",
      calendar_email: "ana.garcia@example.com",
    });
    expect(status.scopes).toContain("https://www.googleapis.com/auth/calendar.events");

    // 4. Tokens at rest are sealed: nothing Google issued appears in any file we wrote.
    const issued = [...emulator.state.refreshTokens.keys(), ...emulator.state.accessTokens.keys()];
    expect(issued.length).toBeGreaterThan(0);
    for (const file of filesUnder(stack.dir)) {
      const bytes = fs.readFileSync(file).toString("latin1");
      for (const token of issued) expect(bytes).not.toContain(token);
    }

    // 5. An hour later the access token has expired: the next use refreshes it, once.
    const refresh = stack.server.composed.services.refresh;
    const before = await refresh.execute(parseCustomerId("user-123"));
    expect(emulator.state.counters.refreshes).toBe(0);
    stack.clock.advance(3600 * 1000);
    const after = await Promise.all(
      Array.from({ length: 20 }, () => refresh.execute(parseCustomerId("user-123"))),
    );
    expect(emulator.state.counters.refreshes).toBe(1);
    expect(after[0]?.accessToken).not.toBe(before.accessToken);
    expect(emulator.state.accessTokens.has(after[0]?.accessToken ?? "")).toBe(true);

    // 6. Disconnect: revoked at Google, gone here; the grant no longer refreshes.
    const disconnect = await stack.call("/oauth/disconnect", {
      method: "POST",
      body: JSON.stringify({ customer_id: "user-123" }),
    });
    expect(await disconnect.json()).toEqual({
      success: true,
      customer_id: "user-123",
      revoked: true,
      revoked_at_google: true,
    });
    expect(emulator.state.counters.revocations).toBe(1);
    expect([...emulator.state.refreshTokens.values()].every((token) => token.revoked)).toBe(true);
    const gone = (await (await stack.call("/oauth/status/user-123")).json()) as Record<string, unknown>;
    expect(gone).toMatchObject({ connected: false, reason: "not_connected" });
  });

  test("Google revoking the grant leaves the connection needing re-authorization", async () => {
    stack = await startStack(storage);
    const { authorization_url } = (await (
      await stack.call("/oauth/authorize", {
        method: "POST",
        body: JSON.stringify({ customer_id: "user-9" }),
      })
    ).json()) as { authorization_url: string };
    await consent(authorization_url);
    await fetch(`${stack.emulator.url}/__emulator/revoke-grants`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "ana.garcia@example.com" }),
    });
    stack.clock.advance(3600 * 1000);
    await expect(
      stack.server.composed.services.refresh.execute(parseCustomerId("user-9")),
    ).rejects.toMatchObject({
      code: "reauthorization_required",
    });
    const status = (await (await stack.call("/oauth/status/user-9")).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ connected: false, reason: "reauthorization_required" });
  });

  test("a replayed callback exchanges nothing more and stores nothing new", async () => {
    stack = await startStack(storage);
    const { authorization_url } = (await (
      await stack.call("/oauth/authorize", {
        method: "POST",
        body: JSON.stringify({ customer_id: "user-5" }),
      })
    ).json()) as { authorization_url: string };
    const atGoogle = await fetch(authorization_url, { redirect: "manual" });
    const callbackUrl = atGoogle.headers.get("location") ?? "";
    expect((await fetch(callbackUrl)).status).toBe(200);
    const replay = await fetch(callbackUrl);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: { code: "invalid_state" } });
    expect(stack.emulator.state.counters.tokenRequests).toBe(1);
  });
});

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}
