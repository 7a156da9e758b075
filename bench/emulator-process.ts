import { Hono } from "hono";
import { DEFAULT_SCOPES } from "../src/app/config.ts";
import { createGoogleEmulator } from "../tools/google-emulator/src/google-emulator.ts";
import { issueAccessToken, issueRefreshToken } from "../tools/google-emulator/src/oauth/grants.ts";
import { canonicalScopes } from "../tools/google-emulator/src/oauth/scope-catalogue.ts";

/**
 * The project's Google emulator in a process of its own, so neither the load generator nor the
 * server under test pays for its work on their event loop. Started by bench/processes.ts with
 * BENCH_CLIENT_ID and BENCH_CLIENT_SECRET; prints one JSON line `{"url": …}` once it listens.
 *
 * Beside the emulator's own routes it serves `POST /__bench/grants`: what a consent would give
 * (an account, an access token and a refresh token per email), minted in one request so seeding
 * a thousand customers takes milliseconds instead of a thousand browser round trips.
 */

export interface BenchGrant {
  email: string;
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  scopes: string[];
}

const clientId = Bun.env.BENCH_CLIENT_ID ?? "bench-client.apps.googleusercontent.com";
const clientSecret = Bun.env.BENCH_CLIENT_SECRET ?? "bench-client-secret";
const { app: emulator, state } = createGoogleEmulator({
  clients: [{ clientId, clientSecret, redirectUris: [] }],
});

const app = new Hono();
app.post("/__bench/grants", async (c) => {
  const { emails } = (await c.req.json()) as { emails: string[] };
  const scopes = canonicalScopes(DEFAULT_SCOPES);
  const grants: BenchGrant[] = emails.map((email) => {
    state.addAccount({ email, timeZone: "Europe/Madrid" });
    const owner = { clientId, email, scopes, grantId: crypto.randomUUID() };
    const access = issueAccessToken(state, owner);
    const refresh = issueRefreshToken(state, owner);
    return {
      email,
      accessToken: access.token,
      refreshToken: refresh.token,
      expiresAt: access.expiresAt,
      scopes,
    };
  });
  return c.json(grants);
});
app.route("/", emulator);

const server = Bun.serve({ port: 0, hostname: "127.0.0.1", idleTimeout: 0, fetch: app.fetch });
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.port}` })}\n`);
process.on("SIGTERM", () => {
  void server.stop(true).then(() => process.exit(0));
});
