/**
 * Shared set-up for the Calendar emulator tests: a state with two accounts, the routes mounted
 * where the emulator mounts them, tokens put straight into the state, and a small JSON client
 * over `app.request()`.
 */

import { Hono } from "hono";
import { calendarRoutes } from "../../src/calendar/calendar-routes.ts";
import { EmulatorState } from "../../src/emulator-state.ts";

export const ANA = "ana@example.com";
export const BOB = "bob@example.com";
export const scope = (name: string): string => `https://www.googleapis.com/auth/${name}`;
export const FULL = [scope("calendar")];

export interface TestCalendar {
  state: EmulatorState;
  app: Hono;
  /** Issues an access token for `email` with `scopes`, valid for an hour unless `expiresAt` says otherwise. */
  token: (email?: string, scopes?: string[], expiresAt?: number) => string;
  call: (method: string, path: string, options?: CallOptions) => Promise<CallResult>;
}

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test assertions walk arbitrary Google JSON
  json: any;
  headers: Headers;
}

export function testCalendar(): TestCalendar {
  const state = new EmulatorState();
  state.addAccount({ email: ANA, timeZone: "Europe/Madrid" });
  state.addAccount({ email: BOB, timeZone: "America/New_York" });
  const app = new Hono().route("/calendar/v3", calendarRoutes(state));
  let counter = 0;
  const token = (email = ANA, scopes = FULL, expiresAt = Date.now() + 3_600_000): string => {
    counter += 1;
    const value = `ya29.test-${counter}-${email}`;
    state.accessTokens.set(value, {
      token: value,
      clientId: "client",
      email,
      scopes,
      expiresAt,
      grantId: `g${counter}`,
    });
    return value;
  };
  const defaultToken = token();
  const call = async (method: string, path: string, options: CallOptions = {}): Promise<CallResult> => {
    const headers: Record<string, string> = { ...options.headers };
    const bearer = options.token === undefined ? defaultToken : options.token;
    if (bearer !== null) headers.Authorization = `Bearer ${bearer}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["Content-Type"] = "application/json";
    }
    const response = await app.request(`/calendar/v3${path}`, { method, headers, body });
    const text = await response.text();
    return {
      status: response.status,
      json: text === "" ? null : JSON.parse(text),
      headers: response.headers,
    };
  };
  return { state, app, token, call };
}

/** A timed event body in UTC. */
export function timed(
  start: string,
  end: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { summary: "Meeting", start: { dateTime: start }, end: { dateTime: end }, ...extra };
}
