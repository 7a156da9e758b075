/**
 * Shared set-up for the Calendar MCP emulator tests: the whole emulator app with two accounts,
 * an agentic and a non-agentic OAuth client, tokens put straight into the state, and plain
 * JSON-RPC over `app.request()` (what a `fetch` client sends).
 */

import { createGoogleEmulator, SANDBOX_CLIENT_ID } from "../../src/google-emulator.ts";

export const ANA = "ana@example.com";
export const BOB = "bob@example.com";
export const OUTSIDER = "guest@elsewhere.org";
export const NON_AGENTIC_CLIENT = "legacy-client.apps.googleusercontent.com";
export const scope = (name: string): string => `https://www.googleapis.com/auth/${name}`;
export const ALL_SCOPES = ["calendar.events", "calendar.calendarlist.readonly", "calendar.freebusy"].map(
  scope,
);

export const MCP_HEADERS = {
  "Content-Type": "application/json",
  Accept: "application/json, text/event-stream",
};

// biome-ignore lint/suspicious/noExplicitAny: tests walk arbitrary JSON-RPC answers
export type Json = any;

export interface RpcAnswer {
  status: number;
  headers: Headers;
  json: Json;
}

export interface RpcOptions {
  token?: string | null;
  endpoint?: "/mcp/v1" | "/mcp/v1self";
  headers?: Record<string, string>;
}

export function mcpEmulator() {
  const emulator = createGoogleEmulator({
    accounts: [
      { email: ANA, timeZone: "Europe/Madrid" },
      { email: BOB, timeZone: "America/New_York" },
    ],
    clients: [
      { clientId: SANDBOX_CLIENT_ID, clientSecret: "s", redirectUris: [] },
      { clientId: NON_AGENTIC_CLIENT, clientSecret: "s", redirectUris: [], agentic: false },
    ],
  });
  const { app, state } = emulator;
  let counter = 0;
  const token = (
    email = ANA,
    scopes = ALL_SCOPES,
    clientId = SANDBOX_CLIENT_ID,
    ttlMs = 3_600_000,
  ): string => {
    counter += 1;
    const value = `ya29.mcp-test-${counter}`;
    state.accessTokens.set(value, {
      token: value,
      clientId,
      email,
      scopes,
      expiresAt: Date.now() + ttlMs,
      grantId: `g${counter}`,
    });
    return value;
  };
  const anaToken = token();
  let nextId = 0;
  const rpc = async (method: string, params?: unknown, options: RpcOptions = {}): Promise<RpcAnswer> => {
    const headers: Record<string, string> = { ...MCP_HEADERS, ...options.headers };
    const bearer = options.token === undefined ? anaToken : options.token;
    if (bearer !== null) headers.Authorization = `Bearer ${bearer}`;
    nextId += 1;
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: nextId,
      method,
      ...(params === undefined ? {} : { params }),
    });
    const response = await app.request(`http://emulator.test${options.endpoint ?? "/mcp/v1"}`, {
      method: "POST",
      headers,
      body,
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      json: text === "" ? null : JSON.parse(text),
    };
  };
  /** tools/call; `extra` goes beside name/arguments (requestState, inputResponses, _meta). */
  const call = (
    tool: string,
    args: Record<string, unknown> = {},
    options: RpcOptions = {},
    extra: Record<string, unknown> = {},
  ) => rpc("tools/call", { name: tool, arguments: args, ...extra }, options);
  /** The structured data of a successful call; fails the test with the answer otherwise. */
  const data = async (
    tool: string,
    args: Record<string, unknown> = {},
    options: RpcOptions = {},
  ): Promise<Json> => {
    const answer = await call(tool, args, options);
    const result = answer.json?.result;
    if (
      answer.status !== 200 ||
      result === undefined ||
      result.isError === true ||
      result.resultType !== undefined
    )
      throw new Error(`${tool} did not succeed: ${answer.status} ${JSON.stringify(answer.json)}`);
    return result.structuredContent;
  };
  const rest = async (
    method: string,
    path: string,
    body?: unknown,
    bearer = anaToken,
  ): Promise<{ status: number; json: Json }> => {
    const response = await app.request(`/calendar/v3${path}`, {
      method,
      headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text === "" ? null : JSON.parse(text) };
  };
  return { app, state, token, anaToken, rpc, call, data, rest };
}

/** An ISO local time (no offset) `days` from now at `hour`:00, for windows that include "now". */
export function localDay(days: number, hour: number): string {
  const date = new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  return `${date}T${String(hour).padStart(2, "0")}:00:00`;
}
