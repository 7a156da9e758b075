import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parseCustomerId } from "../../src/domain/customer-id.ts";
import { type Stack, startStack } from "../e2e/e2e-fixtures.ts";
import { outcomeOf, tool } from "./mcp-calls.ts";

/**
 * A connect link in the wrong hands, an account switched on reconnect, two customers on one
 * Google account, and token answers that cannot be stored: on the real server against the
 * emulator, each is refused or handled without mixing accounts or revoking someone else's grant.
 */

const ANA = "ana.garcia@example.com";
const EVE = "eve.intruder@example.com";
const BEA = "bea.other@example.com";

describe("connect links and account integrity", () => {
  let stack: Stack;
  let cases = 0;

  beforeAll(async () => {
    stack = await startStack("sqlite");
    for (const email of [EVE, BEA]) stack.emulator.state.addAccount({ email });
  });
  afterAll(async () => {
    console.log(`connect integrity: ${cases} cases`);
    await stack.stop();
  });

  async function authorize(customer: string, extra: Record<string, unknown> = {}): Promise<string> {
    const response = await stack.call("/oauth/authorize", {
      method: "POST",
      body: JSON.stringify({ customer_id: customer, ...extra }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { authorization_url: string }).authorization_url;
  }

  /** The browser of whoever holds the link, signed in to Google as `email`, follows it. */
  async function consentAs(email: string, url: string, accept = "application/json"): Promise<Response> {
    stack.emulator.state.options.autoApproveEmail = email;
    const atGoogle = await fetch(url, { redirect: "manual" });
    expect(atGoogle.status).toBe(302);
    return fetch(atGoogle.headers.get("location") ?? "", { headers: { accept } });
  }

  async function stored(customer: string) {
    return stack.server.composed.storage.vault.get(parseCustomerId(customer));
  }

  /** Refresh tokens the emulator still honours for `email`. */
  function liveGrants(email: string): number {
    return [...stack.emulator.state.refreshTokens.values()].filter(
      (token) => token.email === email && !token.revoked,
    ).length;
  }

  test("expected_email is sent as login_hint; another account is account_mismatch (JSON and page), nothing stored, its grant revoked", async () => {
    const url = await authorize("link-owner", { expected_email: ANA });
    expect(new URL(url).searchParams.get("login_hint")).toBe(ANA);
    const json = await consentAs(EVE, url);
    expect(json.status).toBe(403);
    expect(await json.json()).toMatchObject({ error: { code: "account_mismatch" } });
    expect(await stored("link-owner")).toBeNull();
    expect(liveGrants(EVE)).toBe(0);

    const page = await consentAs(EVE, await authorize("link-owner", { expected_email: ANA }), "text/html");
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('data-outcome="mismatch"');
    expect(await stored("link-owner")).toBeNull();

    const right = await consentAs(ANA, await authorize("link-owner", { expected_email: ANA.toUpperCase() }));
    expect(right.status).toBe(200);
    expect((await stored("link-owner"))?.email).toBe(ANA);
    cases += 3;
  });

  test("the connect_calendar tool takes expected_email too: hinted, and another account is refused", async () => {
    const started = await tool(stack, "connect_calendar", { customer_id: "tool-owner", expected_email: ANA });
    const url = String(started.structuredContent?.authorization_url);
    expect(new URL(url).searchParams.get("login_hint")).toBe(ANA);
    const refused = await consentAs(EVE, url);
    expect(await refused.json()).toMatchObject({ error: { code: "account_mismatch" } });
    expect(await stored("tool-owner")).toBeNull();
    const malformed = await tool(stack, "connect_calendar", {
      customer_id: "tool-owner",
      expected_email: "nope",
    });
    expect(outcomeOf(malformed)).toBe("invalid_argument");
    cases += 1;
  });

  test("expected_email that is not an address is invalid_argument", async () => {
    const response = await stack.call("/oauth/authorize", {
      method: "POST",
      body: JSON.stringify({ customer_id: "link-owner", expected_email: "not an email" }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_argument" } });
    cases += 1;
  });

  test("the success page names the account and says how to undo it", async () => {
    const page = await consentAs(ANA, await authorize("page-user"), "text/html");
    const html = await page.text();
    expect(html).toContain(`<strong>${ANA}</strong>`);
    expect(html).toContain("disconnect");
    expect(html).toContain("myaccount.google.com/permissions");
    cases += 1;
  });

  test("reconnecting to another account replaces the whole record and revokes the replaced grant", async () => {
    await consentAs(BEA, await authorize("switcher"));
    const before = await stored("switcher");
    expect(liveGrants(BEA)).toBeGreaterThan(0);
    const again = await consentAs(EVE, await authorize("switcher"));
    expect(again.status).toBe(200);
    const after = await stored("switcher");
    expect(after?.email).toBe(EVE);
    expect(after?.tokens.refreshToken).not.toBe(before?.tokens.refreshToken ?? "");
    expect(liveGrants(BEA)).toBe(0);
    const status = await (await stack.call("/oauth/status/switcher")).json();
    expect(status).toMatchObject({ connected: true, calendar_email: EVE });
    cases += 1;
  });

  test("another account whose token answer has no refresh token: missing_refresh_token, the old record kept", async () => {
    await consentAs(ANA, await authorize("no-refresh"));
    const before = await stored("no-refresh");
    const url = await authorize("no-refresh");
    stack.emulator.state.faults = [
      {
        target: "token",
        status: 200,
        body: JSON.stringify({
          access_token: "ya29.no-refresh",
          expires_in: 3599,
          token_type: "Bearer",
          scope: "openid email",
          id_token: fakeIdToken(EVE),
        }),
        times: 1,
      },
    ];
    const response = await consentAs(EVE, url);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "missing_refresh_token" } });
    expect(await stored("no-refresh")).toEqual(before);
    cases += 1;
  });

  for (const [label, answer] of [
    ["an empty access_token", { access_token: "", refresh_token: "1//x" }],
    ["an empty refresh_token", { access_token: "ya29.x", refresh_token: "" }],
  ] as const) {
    test(`a token answer with ${label} is refused at the exchange: nothing stored, status stays 200`, async () => {
      const url = await authorize("empty-token");
      stack.emulator.state.faults = [
        {
          target: "token",
          status: 200,
          body: JSON.stringify({ ...answer, expires_in: 3599, token_type: "Bearer", scope: "openid email" }),
          times: 1,
        },
      ];
      const response = await consentAs(ANA, url);
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ error: { code: "google_unavailable" } });
      expect(await stored("empty-token")).toBeNull();
      const status = await stack.call("/oauth/status/empty-token");
      expect(status.status).toBe(200);
      expect(await status.json()).toMatchObject({ connected: false });
      cases += 1;
    });
  }

  test("two customers on one Google account: disconnecting one keeps the shared grant, and says so", async () => {
    await consentAs(BEA, await authorize("shared-1"));
    await consentAs(BEA, await authorize("shared-2"));
    const response = await stack.call("/oauth/disconnect", {
      method: "POST",
      body: JSON.stringify({ customer_id: "shared-1" }),
    });
    expect(await response.json()).toMatchObject({
      success: true,
      revoked: false,
      revoked_at_google: false,
      reason: "shared_with_other_customers",
    });
    expect(await stored("shared-1")).toBeNull();
    const other = await stored("shared-2");
    expect(liveGrants(BEA)).toBeGreaterThan(0);
    // Status stays truthful: the grant still works at Google.
    expect(await (await stack.call("/oauth/status/shared-2")).json()).toMatchObject({ connected: true });
    const refreshed = await stack.server.composed.services.refresh.afterRejection(
      parseCustomerId("shared-2"),
      other?.tokens.accessToken ?? "",
    );
    expect(refreshed.accessToken).not.toBe(other?.tokens.accessToken ?? "");
    const last = await stack.call("/oauth/disconnect", {
      method: "POST",
      body: JSON.stringify({ customer_id: "shared-2" }),
    });
    expect(await last.json()).toMatchObject({ revoked_at_google: true });
    expect(liveGrants(BEA)).toBe(0);
    cases += 1;
  });
});

/** An unsigned id_token carrying `email`: the server reads it without a signature check. */
function fakeIdToken(email: string): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "RS256", typ: "JWT" })}.${part({ email, sub: "1234" })}.${part({ sig: 1 })}`;
}
