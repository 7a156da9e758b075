/**
 * The whole Google emulator as one Hono app: OAuth 2.0 (accounts.google.com and
 * oauth2.googleapis.com paths), Calendar v3 under `/calendar/v3`, the Calendar MCP server at
 * `/mcp/v1` and `/mcp/v1self` (calendarmcp.googleapis.com), and the `/__emulator`
 * control surface. Real Google spreads these over several hosts; the emulator serves them
 * from one origin, so clients point every endpoint at the same base URL.
 */

import { Hono } from "hono";
import { calendarRoutes } from "./calendar/calendar-routes.ts";
import { controlRoutes } from "./control-routes.ts";
import {
  type EmulatorAccount,
  type EmulatorClient,
  type EmulatorOptions,
  EmulatorState,
} from "./emulator-state.ts";
import { mcpRoutes } from "./mcp/mcp-routes.ts";
import { authorizationRoutes } from "./oauth/authorization-routes.ts";
import { discoveryRoutes } from "./oauth/discovery-routes.ts";
import { createIdTokenSigner } from "./oauth/id-token.ts";
import { revokeRoutes } from "./oauth/revoke-routes.ts";
import { tokenRoutes } from "./oauth/token-routes.ts";

export const SANDBOX_CLIENT_ID = "sandbox-client-id.apps.googleusercontent.com";
export const SANDBOX_CLIENT_SECRET = "sandbox-client-secret";

export interface GoogleEmulatorOptions {
  /** Share an existing state (e.g. one a test inspects); a fresh one otherwise. */
  state?: EmulatorState;
  /** Registered OAuth clients. With none (here and in `state`), the sandbox client is registered. */
  clients?: EmulatorClient[];
  /** Secret of the default sandbox client. */
  sandboxClientSecret?: string;
  accounts?: Array<Partial<EmulatorAccount> & { email: string }>;
  /** Applied over the state's options. */
  options?: Partial<EmulatorOptions>;
}

export interface GoogleEmulator {
  app: Hono;
  state: EmulatorState;
}

export function createGoogleEmulator(options: GoogleEmulatorOptions = {}): GoogleEmulator {
  const state = options.state ?? new EmulatorState();
  Object.assign(state.options, options.options);
  for (const client of options.clients ?? []) state.addClient(client);
  if (state.clients.size === 0) {
    // Unknown clients are rejected as Google does; the sandbox client makes the default usable.
    state.addClient({
      clientId: SANDBOX_CLIENT_ID,
      clientSecret: options.sandboxClientSecret ?? SANDBOX_CLIENT_SECRET,
      redirectUris: [],
      agentic: true,
    });
  }
  for (const account of options.accounts ?? []) state.addAccount(account);

  const signer = createIdTokenSigner();
  const app = new Hono();
  app.route("/", authorizationRoutes(state));
  app.route("/", tokenRoutes(state, signer));
  app.route("/", revokeRoutes(state));
  app.route("/", discoveryRoutes(state, signer));
  app.route("/calendar/v3", calendarRoutes(state));
  app.route("/", mcpRoutes(state));
  app.route("/__emulator", controlRoutes(state));
  return { app, state };
}

export interface RunningGoogleEmulator {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:49152 */
  url: string;
  state: EmulatorState;
  stop(): Promise<void>;
}

/** Serves the emulator with Bun.serve; port 0 (the default) picks a free port. */
export async function startGoogleEmulator(
  options: GoogleEmulatorOptions & { port?: number; hostname?: string } = {},
): Promise<RunningGoogleEmulator> {
  const { app, state } = createGoogleEmulator(options);
  const hostname = options.hostname ?? "127.0.0.1";
  // idleTimeout 0: an injected delay may exceed Bun's default 10 s idle limit on purpose.
  const server = Bun.serve({ port: options.port ?? 0, hostname, idleTimeout: 0, fetch: app.fetch });
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return {
    url: `http://${host}:${server.port}`,
    state,
    stop: async () => {
      await server.stop(true);
    },
  };
}
