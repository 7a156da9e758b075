import { describe, expect, test } from "bun:test";
import { createGoogleEmulator } from "../src/google-emulator.ts";
import {
  authorizePath,
  CALENDAR_EVENTS,
  consent,
  REDIRECT_URI,
  redirectParams,
  requestIdOf,
  USERINFO_EMAIL,
} from "./oauth-test-helpers.ts";

describe("GET /o/oauth2/v2/auth consent page", () => {
  test("renders in English with security headers, accounts and scopes", async () => {
    const { app } = createGoogleEmulator();
    const response = await app.request(authorizePath(), { headers: { "Accept-Language": "en-GB,en;q=0.9" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/html");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
    expect(response.headers.get("X-Frame-Options")).toBe("DENY");
    expect(response.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    const html = await response.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('id="allow-button"');
    expect(html).toContain('id="deny-button"');
    expect(html).toContain(">Allow</button>");
    expect(html).toContain('value="sandbox.user@example.com" checked');
    expect(html).toContain("View and edit events on all your calendars");
    // Sign-in scopes cannot be unticked; the Calendar scope can.
    expect(html).toMatch(/<input type="checkbox" id="scope-0" checked disabled>/);
    expect(html).toContain(`name="scope" id="scope-2" value="${CALENDAR_EVENTS}" checked`);
    expect(html).not.toMatch(/<(script|link|img)\b/);
  });

  test("renders in Spanish when the browser prefers it, and hl overrides the header", async () => {
    const { app } = createGoogleEmulator();
    const spanish = await app.request(authorizePath(), {
      headers: { "Accept-Language": "es-ES,es;q=0.9,en;q=0.8" },
    });
    const html = await spanish.text();
    expect(html).toContain('<html lang="es">');
    expect(html).toContain(">Permitir</button>");
    expect(html).toContain(">Denegar</button>");
    expect(html).toContain("Ver y editar eventos de todos tus calendarios");
    const english = await app.request(authorizePath({ hl: "en" }), { headers: { "Accept-Language": "es" } });
    expect(await english.text()).toContain(">Allow</button>");
  });

  test("lists registered accounts and pre-selects the login_hint", async () => {
    const { app } = createGoogleEmulator({
      accounts: [{ email: "ana@example.com", name: "Ana" }, { email: "luis@example.com" }],
    });
    const html = await (await app.request(authorizePath({ login_hint: "luis@example.com" }))).text();
    expect(html).toContain('id="account-0" value="ana@example.com">');
    expect(html).toContain('id="account-1" value="luis@example.com" checked>');
    expect(html).not.toContain("sandbox.user@example.com");
  });
});

describe("consent decision", () => {
  test("Allow redirects with a Google-shaped code, the granted scopes and the state", async () => {
    const { app, state } = createGoogleEmulator();
    const response = await consent(app, authorizePath(), { decision: "allow" });
    expect(response.headers.get("Location")?.startsWith(`${REDIRECT_URI}?`)).toBe(true);
    expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
    const params = redirectParams(response);
    expect(params.get("state")).toBe("state-123");
    expect(params.get("code")).toMatch(/^4\/0/);
    expect(params.get("scope")?.split(" ").sort()).toEqual(
      ["email", "openid", USERINFO_EMAIL, CALENDAR_EVENTS].sort(),
    );
    const grant = state.codes.get(params.get("code") ?? "");
    expect(grant?.email).toBe("sandbox.user@example.com");
    expect(grant?.issueRefreshToken).toBe(true);
  });

  test("unticking an optional scope leaves it out, sign-in scopes stay granted", async () => {
    const { app } = createGoogleEmulator();
    const response = await consent(app, authorizePath(), { decision: "allow", scopes: [] });
    expect(redirectParams(response).get("scope")?.split(" ").sort()).toEqual(
      ["email", "openid", USERINFO_EMAIL].sort(),
    );
  });

  test("Deny redirects with access_denied and the state, and issues no code", async () => {
    const { app, state } = createGoogleEmulator();
    const params = redirectParams(await consent(app, authorizePath(), { decision: "deny" }));
    expect(params.get("error")).toBe("access_denied");
    expect(params.get("state")).toBe("state-123");
    expect(params.get("code")).toBeNull();
    expect(state.codes.size).toBe(0);
  });

  test("a consent form can be answered only once", async () => {
    const { app } = createGoogleEmulator();
    const requestId = requestIdOf(await (await app.request(authorizePath())).text());
    const post = () =>
      app.request("/o/oauth2/v2/auth/consent", {
        method: "POST",
        body: new URLSearchParams({
          request_id: requestId,
          decision: "allow",
          account: "sandbox.user@example.com",
        }),
      });
    expect((await post()).status).toBe(302);
    const replay = await post();
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("Error 400: invalid_request");
  });

  test("autoApproveEmail skips the page and grants every requested scope", async () => {
    const { app, state } = createGoogleEmulator({ options: { autoApproveEmail: "robot@example.com" } });
    const params = redirectParams(await app.request(authorizePath()));
    const grant = state.codes.get(params.get("code") ?? "");
    expect(grant?.email).toBe("robot@example.com");
    expect(grant?.scopes.sort()).toEqual(["openid", USERINFO_EMAIL, CALENDAR_EVENTS].sort());
    expect(state.accounts.has("robot@example.com")).toBe(true);
  });

  test("prompt=none without an existing grant redirects with interaction_required", async () => {
    const { app } = createGoogleEmulator();
    const params = redirectParams(await app.request(authorizePath({ prompt: "none" })));
    expect(params.get("error")).toBe("interaction_required");
  });
});

describe("authorization request errors are pages, never redirects", () => {
  async function errorPage(path: string): Promise<{ status: number; html: string; location: string | null }> {
    const { app } = createGoogleEmulator();
    const response = await app.request(path);
    return {
      status: response.status,
      html: await response.text(),
      location: response.headers.get("Location"),
    };
  }

  test("an unregistered redirect_uri shows redirect_uri_mismatch", async () => {
    const page = await errorPage(authorizePath({ redirect_uri: "https://evil.example/callback" }));
    expect(page.status).toBe(400);
    expect(page.location).toBeNull();
    expect(page.html).toContain("Error 400: redirect_uri_mismatch");
    expect(page.html).toContain("https://evil.example/callback");
  });

  test("an unknown client shows invalid_client with 401", async () => {
    const page = await errorPage(authorizePath({ client_id: "nobody.apps.googleusercontent.com" }));
    expect(page.status).toBe(401);
    expect(page.html).toContain("Error 401: invalid_client");
    expect(page.html).toContain("The OAuth client was not found.");
  });

  test("missing or unsupported parameters", async () => {
    const noScope = await errorPage(authorizePath({ scope: null }));
    expect(noScope.html).toContain("Missing required parameter: scope");
    const badScope = await errorPage(authorizePath({ scope: "openid calendar.events" }));
    expect(badScope.html).toContain("Error 400: invalid_scope");
    expect(badScope.html).toContain("invalid=[calendar.events]");
    const token = await errorPage(authorizePath({ response_type: "token" }));
    expect(token.html).toContain("Error 400: unsupported_response_type");
    const method = await errorPage(
      authorizePath({ code_challenge: "x".repeat(43), code_challenge_method: "s256" }),
    );
    expect(method.html).toContain("is not a valid CodeChallengeMethod");
    expect(method.location).toBeNull();
  });

  test("request details are escaped", async () => {
    const page = await errorPage(
      authorizePath({ redirect_uri: "http://evil.example/", state: "<script>x</script>" }),
    );
    expect(page.html).toContain("&lt;script&gt;x&lt;/script&gt;");
    expect(page.html).not.toContain("<script>");
  });

  test("a registered client only accepts its exact redirect URIs", async () => {
    const { app } = createGoogleEmulator({
      clients: [
        {
          clientId: "web.apps.googleusercontent.com",
          clientSecret: "s",
          redirectUris: ["https://app.example/cb"],
        },
      ],
    });
    const exact = await app.request(
      authorizePath({ client_id: "web.apps.googleusercontent.com", redirect_uri: "https://app.example/cb" }),
    );
    expect(exact.status).toBe(200);
    const loopback = await app.request(authorizePath({ client_id: "web.apps.googleusercontent.com" }));
    expect(loopback.status).toBe(400);
    const sandbox = await app.request(authorizePath());
    expect(sandbox.status).toBe(401);
  });
});
