import { describe, expect, test } from "bun:test";
import { createGoogleEmulator } from "../src/google-emulator.ts";
import { CALENDAR_EVENTS, CLIENT_ID, decodeJwtPart, obtainTokens } from "./oauth-test-helpers.ts";

describe("id_token", () => {
  test("is an RS256 JWT verifiable with the published JWKS, with email claims", async () => {
    const { app } = createGoogleEmulator({ accounts: [{ email: "ana@example.com", name: "Ana Pérez" }] });
    const tokens = await obtainTokens(app, { scope: "openid email profile", nonce: "n-1" });
    const [header, payload, signature] = (tokens.id_token ?? "").split(".");
    expect(decodeJwtPart(header)).toMatchObject({ alg: "RS256", typ: "JWT" });
    const claims = decodeJwtPart(payload);
    expect(claims).toMatchObject({
      iss: "https://accounts.google.com",
      aud: CLIENT_ID,
      azp: CLIENT_ID,
      email: "ana@example.com",
      email_verified: true,
      name: "Ana Pérez",
      nonce: "n-1",
    });
    expect(claims.sub).toMatch(/^\d{21}$/);
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);

    const jwks = (await (await app.request("/oauth2/v3/certs")).json()) as {
      keys: Array<{ kid: string; kty: string; n: string; e: string; alg: string }>;
    };
    const jwk = jwks.keys.find((key) => key.kid === decodeJwtPart(header).kid);
    expect(jwk).toBeDefined();
    const key = await crypto.subtle.importKey(
      "jwk",
      jwk ?? {},
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      false,
      ["verify"],
    );
    const valid = await crypto.subtle.verify(
      "RSASSA-PKCS1-v1_5",
      key,
      Buffer.from(signature ?? "", "base64url"),
      new TextEncoder().encode(`${header}.${payload}`),
    );
    expect(valid).toBe(true);
  });

  test("is left out without openid, and has no name without profile", async () => {
    const { app } = createGoogleEmulator();
    expect((await obtainTokens(app, { scope: CALENDAR_EVENTS })).id_token).toBeUndefined();
    const claims = decodeJwtPart(
      (await obtainTokens(app, { scope: "openid email" })).id_token?.split(".")[1],
    );
    expect(claims.email).toBe("sandbox.user@example.com");
    expect(claims.name).toBeUndefined();
  });
});
