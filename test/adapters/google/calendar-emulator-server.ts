import { Hono } from "hono";
import { GoogleCalendarGateway } from "../../../src/adapters/google/google-calendar-gateway.ts";
import { calendarRoutes } from "../../../tools/google-emulator/src/calendar/calendar-routes.ts";
import { EmulatorState } from "../../../tools/google-emulator/src/emulator-state.ts";

export const ANA = "ana@example.com";
export const TIMEOUT_MS = 400;
const scope = (name: string): string => `https://www.googleapis.com/auth/${name}`;
export const PRODUCT_SCOPES = [
  scope("calendar.events"),
  scope("calendar.freebusy"),
  scope("calendar.calendarlist.readonly"),
];

/**
 * The emulator's Calendar routes on a real socket (port 0), and a gateway pointed at them with
 * a short timeout and quick retries so fault tests stay fast.
 */
export function calendarServer() {
  const state = new EmulatorState();
  state.addAccount({ email: ANA, timeZone: "Europe/Madrid" });
  const app = new Hono().route("/calendar/v3", calendarRoutes(state));
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch });
  let counter = 0;
  const issueToken = (scopes = PRODUCT_SCOPES, email = ANA): string => {
    counter += 1;
    const token = `ya29.gateway-test-${counter}`;
    state.accessTokens.set(token, {
      token,
      clientId: "client",
      email,
      scopes,
      expiresAt: Date.now() + 3_600_000,
      grantId: `grant-${counter}`,
    });
    return token;
  };
  const gateway = new GoogleCalendarGateway({
    rootUrl: `http://127.0.0.1:${server.port}/`,
    timeoutMs: TIMEOUT_MS,
    retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 50 },
  });
  const calls = (method: string): number => state.counters.calendarCalls.get(method) ?? 0;
  return { state, server, gateway, issueToken, calls, stop: () => server.stop(true) };
}
