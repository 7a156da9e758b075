import { describe, expect, test } from "bun:test";
import { createGoogleEmulator } from "../src/google-emulator.ts";
import { authorizationCode, CLIENT_ID, errorOf, postToken, REDIRECT_URI } from "./oauth-test-helpers.ts";

describe("client authentication", () => {
  test("HTTP Basic and body credentials are both accepted", async () => {
    const { app } = createGoogleEmulator();
    for (const auth of ["basic", "body"] as const) {
      const code = await authorizationCode(app);
      const response = await postToken(
        app,
        { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI },
        auth,
      );
      expect(response.status).toBe(200);
    }
  });

  test("wrong secret, unknown client, missing client and missing secret", async () => {
    const { app } = createGoogleEmulator();
    const send = (headers: Record<string, string>, fields: Record<string, string>) =>
      app.request("/token", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: "1//x", ...fields }),
      });
    const basic = (id: string, secret: string) => ({
      Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`,
    });
    expect(await errorOf(await send(basic(CLIENT_ID, "wrong"), {}))).toEqual({
      status: 401,
      body: { error: "invalid_client", error_description: "Unauthorized" },
    });
    expect(await errorOf(await send({}, { client_id: CLIENT_ID, client_secret: "wrong" }))).toEqual({
      status: 401,
      body: { error: "invalid_client", error_description: "Unauthorized" },
    });
    expect(
      await errorOf(await send({}, { client_id: "ghost.apps.googleusercontent.com", client_secret: "s" })),
    ).toEqual({
      status: 401,
      body: { error: "invalid_client", error_description: "The OAuth client was not found." },
    });
    expect(await errorOf(await send({}, {}))).toEqual({
      status: 400,
      body: { error: "invalid_request", error_description: "Could not determine client ID from request." },
    });
    expect(await errorOf(await send({}, { client_id: CLIENT_ID }))).toEqual({
      status: 400,
      body: { error: "invalid_request", error_description: "client_secret is missing." },
    });
  });

  test("unsupported grant types and missing parameters", async () => {
    const { app } = createGoogleEmulator();
    expect(await errorOf(await postToken(app, { grant_type: "password" }))).toEqual({
      status: 400,
      body: { error: "unsupported_grant_type", error_description: "Invalid grant_type: password" },
    });
    expect(
      await errorOf(await postToken(app, { grant_type: "authorization_code", redirect_uri: REDIRECT_URI })),
    ).toEqual({
      status: 400,
      body: { error: "invalid_request", error_description: "Missing required parameter: code" },
    });
    expect(await errorOf(await postToken(app, { grant_type: "refresh_token" }))).toEqual({
      status: 400,
      body: { error: "invalid_request", error_description: "Missing required parameter: refresh_token" },
    });
  });
});
