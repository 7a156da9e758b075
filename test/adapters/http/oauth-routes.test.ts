import { describe, expect, test } from "bun:test";
import { API_KEY, httpWorld, verifierOf } from "./http-fixtures.ts";

async function authorize(world: ReturnType<typeof httpWorld>, customerId = "user-123") {
  const response = await world.call("/oauth/authorize", {
    method: "POST",
    body: JSON.stringify({ customer_id: customerId }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { authorization_url: string; state: string; expires_at: string };
}

describe("POST /oauth/authorize", () => {
  test("answers the seed's shape plus expires_at", async () => {
    const world = httpWorld();
    const body = await authorize(world);
    expect(Object.keys(body).sort()).toEqual(["authorization_url", "expires_at", "state"]);
    expect(body.authorization_url).toContain(body.state);
    expect(body.expires_at).toBe("2026-01-15T10:10:00.000Z");
  });

  test.each([
    [{}, "invalid_customer_id"],
    [{ customer_id: 42 }, "invalid_customer_id"],
    [{ customer_id: "../etc" }, "invalid_customer_id"],
    [{ customer_id: "x".repeat(129) }, "invalid_customer_id"],
    [{ customer_id: "ok", login_hint: "not-an-email" }, "invalid_argument"],
  ])("%p → 400 %s", async (body, code) => {
    const response = await httpWorld().call("/oauth/authorize", {
      method: "POST",
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
  });

  test("malformed JSON is a 400, not a 500", async () => {
    const response = await httpWorld().call("/oauth/authorize", { method: "POST", body: "{nope" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_json" } });
  });

  test("oversized bodies are refused with 413", async () => {
    const response = await httpWorld().call("/oauth/authorize", {
      method: "POST",
      body: JSON.stringify({ customer_id: "a", pad: "x".repeat(10_000) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: "payload_too_large" } });
  });

  test("GET redirects to the same consent URL", async () => {
    const world = httpWorld();
    const response = await world.call("/oauth/authorize?customer_id=user-123");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toStartWith("https://accounts.example.test/auth?");
  });
});

describe("API key", () => {
  test.each([
    ["no header", {}],
    ["wrong key", { authorization: "Bearer wrong-key-wrong-key-wrong" }],
    ["wrong scheme", { authorization: `Basic ${API_KEY}` }],
  ])("%s → 401 JSON", async (_, headers) => {
    const { app } = httpWorld();
    const response = await app.request("/oauth/status/user-123", { headers });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain("Bearer");
    expect(await response.json()).toMatchObject({ error: { code: "unauthorized" } });
  });

  test("every configured key works (rotation)", async () => {
    const { app } = httpWorld();
    const response = await app.request("/oauth/status/user-123", {
      headers: { authorization: "Bearer second-rotation-key-abcdef" },
    });
    expect(response.status).toBe(200);
  });

  test("health and callback need no key", async () => {
    const { app } = httpWorld();
    expect((await app.request("/healthz")).status).toBe(200);
    expect((await app.request("/oauth/callback?state=x&code=y")).status).toBe(400);
  });
});

describe("GET /oauth/callback", () => {
  test("JSON client: the seed's success shape, then status says connected", async () => {
    const world = httpWorld();
    const { state, authorization_url } = await authorize(world, "user-456");
    const code = world.oauth.issueCode(verifierOf(authorization_url), "user-456@gmail.com");
    const response = await world.app.request(`/oauth/callback?code=${code}&state=${state}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      success: true,
      customer_id: "user-456",
      calendar_email: "user-456@gmail.com",
      message: "Google Calendar conectado exitosamente",
    });
    const status = await (await world.call("/oauth/status/user-456")).json();
    expect(status).toMatchObject({
      connected: true,
      customer_id: "user-456",
      calendar_email: "user-456@gmail.com",
    });
  });

  test("browser: a Spanish success page with strict headers", async () => {
    const world = httpWorld();
    const { state, authorization_url } = await authorize(world);
    const code = world.oauth.issueCode(verifierOf(authorization_url), "ana@example.com");
    const headers = { accept: "text/html", "accept-language": "es-ES,es;q=0.9,en;q=0.8" };
    const consented = await world.app.request(`/oauth/callback?code=${code}&state=${state}`, { headers });
    // Post/redirect/get: the spent code and state leave the address bar, so a reload works.
    expect(consented.status).toBe(303);
    const location = consented.headers.get("location") ?? "";
    expect(location).toMatch(/^callback\?connected=[\w-]+\.[\w-]+$/);
    const response = await world.app.request(`/oauth/${location}`, { headers });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('lang="es"');
    expect(html).toContain("Google Calendar conectado");
    expect(html).toContain("ana@example.com");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  test("the success page's address survives reloads; a forged or altered receipt is refused", async () => {
    const world = httpWorld();
    const { state, authorization_url } = await authorize(world);
    const code = world.oauth.issueCode(verifierOf(authorization_url), "ana@example.com");
    const headers = { accept: "text/html", "accept-language": "en" };
    const consented = await world.app.request(`/oauth/callback?code=${code}&state=${state}`, { headers });
    const location = consented.headers.get("location") ?? "";
    for (let reload = 0; reload < 3; reload += 1) {
      const again = await world.app.request(`/oauth/${location}`, { headers });
      expect(again.status).toBe(200);
      expect(await again.text()).toContain("ana@example.com");
    }
    // The code and state themselves are spent: replaying them is the expired page, as before.
    const replayed = await world.app.request(`/oauth/callback?code=${code}&state=${state}`, { headers });
    expect(replayed.status).toBe(400);
    const [payload, signature] = location.replace("callback?connected=", "").split(".");
    const forgedPayload = Buffer.from(
      JSON.stringify({ e: "eve@example.com", x: Date.now() + 60_000 }),
    ).toString("base64url");
    for (const forged of [`${forgedPayload}.${signature}`, `${payload}.x${signature}`, "nonsense", ""]) {
      const refused = await world.app.request(`/oauth/callback?connected=${forged}`, { headers });
      expect(refused.status).toBe(400);
      expect(await refused.text()).not.toContain("eve@example.com");
    }
  });

  test("access_denied: a clear page, the state is consumed, nothing stored, no exchange", async () => {
    const world = httpWorld();
    const { state } = await authorize(world);
    const response = await world.app.request(`/oauth/callback?error=access_denied&state=${state}`, {
      headers: { accept: "text/html", "accept-language": "en" },
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("Google Calendar not connected");
    expect(world.oauth.exchangeCalls).toBe(0);
    const replay = await world.app.request(`/oauth/callback?error=access_denied&state=${state}`);
    expect(await replay.json()).toMatchObject({ error: { code: "invalid_state" } });
  });

  test.each([
    ["unknown state", "?code=abc&state=unknown", "invalid_state"],
    ["missing state", "?code=abc", "invalid_state"],
    ["missing code", "?state=abc", "invalid_request"],
  ])("%s → 400 JSON and no exchange", async (_, query, code) => {
    const world = httpWorld();
    if (code === "invalid_request") await authorize(world);
    const response = await world.app.request(`/oauth/callback${query}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code } });
    expect(world.oauth.exchangeCalls).toBe(0);
  });

  test("a code Google refuses → 400 oauth_exchange_failed, nothing stored", async () => {
    const world = httpWorld();
    const { state } = await authorize(world);
    const response = await world.app.request(`/oauth/callback?code=forged&state=${state}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "oauth_exchange_failed" } });
    expect(await world.vault.get("user-123" as never)).toBeNull();
  });
});

describe("status and disconnect", () => {
  test("unknown customer: connected false", async () => {
    const response = await httpWorld().call("/oauth/status/nobody");
    expect(await response.json()).toMatchObject({
      connected: false,
      customer_id: "nobody",
      reason: "not_connected",
    });
  });

  test.each(["..%2F..%2Fetc", "%2e%2e", "bad%00id", "-dash"])("status rejects %s", async (id) => {
    const response = await httpWorld().call(`/oauth/status/${id}`);
    expect([400, 404]).toContain(response.status);
    const body = (await response.json()) as { error: { code: string } };
    expect(["invalid_customer_id", "not_found"]).toContain(body.error.code);
  });

  test("disconnect revokes, deletes and is idempotent", async () => {
    const world = httpWorld();
    const { state, authorization_url } = await authorize(world);
    await world.app.request(
      `/oauth/callback?code=${world.oauth.issueCode(verifierOf(authorization_url))}&state=${state}`,
    );
    const first = await world.call("/oauth/disconnect", {
      method: "POST",
      body: JSON.stringify({ customer_id: "user-123" }),
    });
    expect(await first.json()).toEqual({
      success: true,
      customer_id: "user-123",
      revoked: true,
      revoked_at_google: true,
    });
    const second = await world.call("/oauth/disconnect", {
      method: "POST",
      body: JSON.stringify({ customer_id: "user-123" }),
    });
    expect(await second.json()).toEqual({
      success: true,
      customer_id: "user-123",
      revoked: false,
      revoked_at_google: false,
    });
    expect(world.oauth.revoked).toHaveLength(1);
  });
});

describe("the surface", () => {
  test("unknown routes are 404 JSON", async () => {
    const response = await httpWorld().call("/nope");
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "not_found" } });
  });

  test("one log line per request, with no code, state or key in it", async () => {
    const world = httpWorld();
    const { state, authorization_url } = await authorize(world);
    const code = world.oauth.issueCode(verifierOf(authorization_url));
    await world.app.request(`/oauth/callback?code=${code}&state=${state}`);
    const requests = world.logger.lines.filter((line) => line.includes('"http_request"'));
    expect(requests).toHaveLength(2);
    const all = world.logger.lines.join("\n");
    for (const secret of [state, code, API_KEY, "refresh-", "access-"]) expect(all).not.toContain(secret);
  });
});
