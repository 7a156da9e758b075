import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parseCustomerId } from "../../src/domain/customer-id.ts";
import { type Stack, startStack } from "../e2e/e2e-fixtures.ts";

/**
 * The OAuth callback refusing everything it must refuse, on the real server against the Google
 * emulator: each refusal is a clear error, exchanges no code it should not, and stores nothing.
 */

describe("OAuth callback negative cases", () => {
  let stack: Stack;
  let cases = 0;
  let unexpectedExchanges = 0;

  beforeAll(async () => {
    stack = await startStack("sqlite");
  });
  afterAll(async () => {
    console.log(
      `oauth negative: ${cases} cases refused, ${unexpectedExchanges} unexpected token exchanges, nothing stored`,
    );
    await stack.stop();
  });

  /** POST /oauth/authorize for `customer`: its authorization URL and state. */
  async function authorize(customer: string): Promise<{ url: string; state: string }> {
    const response = await stack.call("/oauth/authorize", {
      method: "POST",
      body: JSON.stringify({ customer_id: customer }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { authorization_url: string; state: string };
    return { url: body.authorization_url, state: body.state };
  }

  /** Consent at the (auto-approving) emulator; the callback URL Google sends the browser to, unvisited. */
  async function consentAtGoogle(url: string): Promise<URL> {
    const atGoogle = await fetch(url, { redirect: "manual" });
    expect(atGoogle.status).toBe(302);
    return new URL(atGoogle.headers.get("location") ?? "");
  }

  function callbackUrl(params: Record<string, string>): string {
    return `${stack.server.url}/oauth/callback?${new URLSearchParams(params)}`;
  }

  /**
   * Visit the callback; expect `status` and error `code`, and exactly `exchanges` requests at
   * Google's token endpoint (0 unless the state was valid).
   */
  async function refused(
    url: string,
    status: number,
    code: string,
    exchanges = 0,
    accept = "application/json",
  ) {
    const before = stack.emulator.state.counters.tokenRequests;
    const exchangedBefore = stack.emulator.state.counters.codeExchanges;
    const response = await fetch(url, { headers: { accept } });
    const text = await response.text();
    expect(response.status).toBe(status);
    if (accept === "application/json") expect(JSON.parse(text)).toMatchObject({ error: { code } });
    const made = stack.emulator.state.counters.tokenRequests - before;
    if (made !== exchanges) unexpectedExchanges += made - exchanges;
    expect(made).toBe(exchanges);
    // Whatever happened, no code was successfully exchanged.
    expect(stack.emulator.state.counters.codeExchanges).toBe(exchangedBefore);
    // The answer never repeats the code or the state it was given.
    const sent = new URL(url).searchParams;
    for (const secret of [sent.get("code"), sent.get("state")]) {
      if (secret !== null && secret.length > 8) expect(text).not.toContain(secret);
    }
    cases += 1;
    return text;
  }

  async function notStored(customer: string): Promise<void> {
    expect(await stack.server.composed.storage.vault.get(parseCustomerId(customer))).toBeNull();
  }

  test("missing state, missing code, missing both", async () => {
    await refused(callbackUrl({ code: "4/0AanRRrtSomeCode" }), 400, "invalid_state");
    await refused(callbackUrl({ state: "some-state-value-123" }), 400, "invalid_request");
    await refused(callbackUrl({}), 400, "invalid_request");
    await refused(callbackUrl({ code: "", state: "" }), 400, "invalid_request");
  });

  test("an unknown state, and one with the right shape but never issued", async () => {
    await refused(callbackUrl({ code: "4/0AanRRrtSomeCode", state: "not-a-state" }), 400, "invalid_state");
    const forged = "A".repeat(43);
    await refused(callbackUrl({ code: "4/0AanRRrtSomeCode", state: forged }), 400, "invalid_state");
  });

  test("a state used once is refused the second time; the connection it made is untouched", async () => {
    const { url } = await authorize("reuse-user");
    const callback = await consentAtGoogle(url);
    const first = await fetch(callback, { headers: { accept: "application/json" } });
    expect(first.status).toBe(200);
    const stored = await stack.server.composed.storage.vault.get(parseCustomerId("reuse-user"));
    await refused(callback.toString(), 400, "invalid_state");
    const after = await stack.server.composed.storage.vault.get(parseCustomerId("reuse-user"));
    expect(after?.tokens.refreshToken).toBe(stored?.tokens.refreshToken ?? "missing");
    expect(after?.tokens.accessToken).toBe(stored?.tokens.accessToken ?? "missing");
  });

  test("an expired state is refused before any exchange, as JSON and as a page", async () => {
    const { url } = await authorize("late-user");
    const callback = await consentAtGoogle(url);
    stack.clock.advance(11 * 60 * 1000);
    const expired = await refused(callback.toString(), 400, "invalid_state");
    expect(expired).not.toContain("late-user");
    await notStored("late-user");

    const again = await authorize("late-user-2");
    const second = await consentAtGoogle(again.url);
    stack.clock.advance(11 * 60 * 1000);
    const page = await refused(second.toString(), 400, "invalid_state", 0, "text/html");
    expect(page).toContain('data-outcome="expired"');
    await notStored("late-user-2");
  });

  test("a code replayed with a fresh state: Google refuses it; nothing stored for the new customer", async () => {
    const first = await authorize("code-owner");
    const callback = await consentAtGoogle(first.url);
    expect((await fetch(callback, { headers: { accept: "application/json" } })).status).toBe(200);
    const code = callback.searchParams.get("code") ?? "";
    const fresh = await authorize("code-thief");
    // The state is valid, so the server must ask Google (once); Google says the code is spent.
    await refused(callbackUrl({ code, state: fresh.state }), 400, "oauth_exchange_failed", 1);
    await notStored("code-thief");
  });

  test("customer A's state with the code from customer B's flow: refused, neither is connected", async () => {
    const a = await authorize("customer-a");
    const b = await authorize("customer-b");
    const bCallback = await consentAtGoogle(b.url);
    const codeOfB = bCallback.searchParams.get("code") ?? "";
    // PKCE: B's code was issued for B's verifier, and A's state holds A's.
    await refused(callbackUrl({ code: codeOfB, state: a.state }), 400, "oauth_exchange_failed", 1);
    await notStored("customer-a");
    await notStored("customer-b");
    // A's state is spent by the attempt.
    await refused(callbackUrl({ code: codeOfB, state: a.state }), 400, "invalid_state");
  });

  test("error=access_denied: no exchange, nothing stored, the state is spent", async () => {
    const { state } = await authorize("denying-user");
    const text = await refused(callbackUrl({ error: "access_denied", state }), 403, "access_denied");
    // The callback is public: whose link it was is not told to whoever holds it.
    expect(text).not.toContain("denying-user");
    await notStored("denying-user");
    await refused(callbackUrl({ code: "4/0AanRRrtSomeCode", state }), 400, "invalid_state");

    const page = await authorize("denying-user");
    const html = await refused(
      callbackUrl({ error: "access_denied", state: page.state }),
      403,
      "access_denied",
      0,
      "text/html",
    );
    expect(html).toContain('data-outcome="denied"');
    await notStored("denying-user");
  });

  test("error=access_denied without a state, or with an unknown one, is invalid_state", async () => {
    await refused(callbackUrl({ error: "access_denied" }), 400, "invalid_state");
    await refused(callbackUrl({ error: "access_denied", state: "made-up-state" }), 400, "invalid_state");
    await refused(
      callbackUrl({ error: "server_error", code: "4/0AanRRrtSomeCode", state: "made-up" }),
      400,
      "invalid_state",
    );
  });
});
