import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parseCustomerId } from "../../src/domain/customer-id.ts";
import { type Stack, startStack } from "../e2e/e2e-fixtures.ts";

/**
 * Confirmation by the backend (CALENDAR_SERVER_CONNECT_CONFIRM_URL), on the real server against
 * the emulator: whoever opens a forwarded link can consent, but only the backend, which knows
 * who is logged in, makes the connection active; what it never confirms is revoked.
 */

const BACKEND = "https://backend.example.com/calendar/confirm?from=mcp";
const EVE = "eve.intruder@example.com";

describe("connect confirmation by the backend", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack("sqlite", { CALENDAR_SERVER_CONNECT_CONFIRM_URL: BACKEND });
    stack.emulator.state.addAccount({ email: EVE });
  });
  afterAll(async () => {
    await stack.stop();
  });

  /** Authorize `customer`, consent at Google as `email`; where our callback sends the browser. */
  async function consentAs(customer: string, email: string): Promise<URL> {
    const started = await stack.call("/oauth/authorize", {
      method: "POST",
      body: JSON.stringify({ customer_id: customer }),
    });
    const { authorization_url } = (await started.json()) as { authorization_url: string };
    stack.emulator.state.options.autoApproveEmail = email;
    const atGoogle = await fetch(authorization_url, { redirect: "manual" });
    const callback = await fetch(atGoogle.headers.get("location") ?? "", {
      redirect: "manual",
      headers: { accept: "text/html" },
    });
    expect(callback.status).toBe(302);
    return new URL(callback.headers.get("location") ?? "");
  }

  const confirm = (connectCode: unknown): Promise<Response> =>
    stack.call("/oauth/confirm", { method: "POST", body: JSON.stringify({ connect_code: connectCode }) });

  const status = async (customer: string) => (await stack.call(`/oauth/status/${customer}`)).json();

  function liveGrants(email: string): number {
    return [...stack.emulator.state.refreshTokens.values()].filter(
      (token) => token.email === email && !token.revoked,
    ).length;
  }

  test("after consent the browser goes to the backend with connect_code and customer_id; nothing is active yet", async () => {
    const location = await consentAs("confirm-1", "ana.garcia@example.com");
    expect(`${location.origin}${location.pathname}`).toBe("https://backend.example.com/calendar/confirm");
    expect(location.searchParams.get("from")).toBe("mcp");
    expect(location.searchParams.get("customer_id")).toBe("confirm-1");
    expect(location.searchParams.get("connect_code")?.length).toBeGreaterThanOrEqual(43);
    expect(await status("confirm-1")).toMatchObject({ connected: false, reason: "not_connected" });

    const confirmed = await confirm(location.searchParams.get("connect_code"));
    expect(confirmed.status).toBe(200);
    expect(await confirmed.json()).toMatchObject({
      success: true,
      customer_id: "confirm-1",
      calendar_email: "ana.garcia@example.com",
    });
    expect(await status("confirm-1")).toMatchObject({
      connected: true,
      calendar_email: "ana.garcia@example.com",
    });
  });

  test("a connect_code works once; unknown, empty or malformed ones are refused", async () => {
    const location = await consentAs("confirm-2", "ana.garcia@example.com");
    const code = location.searchParams.get("connect_code");
    expect((await confirm(code)).status).toBe(200);
    const again = await confirm(code);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: { code: "invalid_connect_code" } });
    expect((await confirm("made-up")).status).toBe(400);
    for (const bad of ["", 42, null]) {
      const refused = await confirm(bad);
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: { code: "invalid_argument" } });
    }
  });

  test("confirm needs the API key", async () => {
    const response = await fetch(`${stack.server.url}/oauth/confirm`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ connect_code: "x" }),
    });
    expect(response.status).toBe(401);
  });

  test("a forwarded link opened by someone else: never confirmed, swept after 10 minutes, grant revoked", async () => {
    const location = await consentAs("confirm-3", EVE);
    expect(liveGrants(EVE)).toBe(1);
    stack.clock.advance(9 * 60 * 1000);
    const sweeper = stack.server.composed.services.confirmConnection;
    expect(await sweeper?.sweep(stack.clock.now())).toBe(0);
    stack.clock.advance(2 * 60 * 1000);
    expect(await sweeper?.sweep(stack.clock.now())).toBe(1);
    expect(liveGrants(EVE)).toBe(0);
    expect(await status("confirm-3")).toMatchObject({ connected: false });
    expect((await confirm(location.searchParams.get("connect_code"))).status).toBe(400);
  });

  test("a confirmation arriving after 10 minutes is refused and the grant revoked", async () => {
    const location = await consentAs("confirm-4", EVE);
    stack.clock.advance(10 * 60 * 1000 + 1);
    const late = await confirm(location.searchParams.get("connect_code"));
    expect(late.status).toBe(400);
    expect(await late.json()).toMatchObject({ error: { code: "invalid_connect_code" } });
    expect(liveGrants(EVE)).toBe(0);
    expect(await stack.server.composed.storage.vault.get(parseCustomerId("confirm-4"))).toBeNull();
  });
});
