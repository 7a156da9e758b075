/**
 * The frame around every Calendar handler: count the call, play any injected fault, check the
 * bearer token and scopes, and turn thrown `GoogleApiError`s into Google's JSON answers.
 */

import type { Context } from "hono";
import type { EmulatorState } from "../emulator-state.ts";
import { authorize, type CalendarMethod } from "./calendar-auth.ts";
import {
  calendarErrors,
  defaultFaultBody,
  errorResponse,
  GoogleApiError,
  JSON_CONTENT_TYPE,
  jsonResponse,
} from "./calendar-errors.ts";
import { isObject } from "./event-input.ts";
import type { Query } from "./query-params.ts";

export interface CalendarRequest {
  /** The account the access token belongs to. */
  email: string;
  query: Query;
  header: (name: string) => string | undefined;
  param: (name: string) => string;
  /** The JSON object body; 400 Parse Error when it is not one. An empty body reads as `{}`. */
  jsonBody: () => Promise<Record<string, unknown>>;
}

export type CalendarHandler = (request: CalendarRequest) => Response | Promise<Response>;

async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw calendarErrors.parseError();
  }
  if (!isObject(parsed)) throw calendarErrors.parseError();
  return parsed;
}

/** The answer an injected fault prescribes, or null when it only delays. */
async function playFault(state: EmulatorState, method: CalendarMethod): Promise<Response | null> {
  const fault = state.takeFault("calendar", `calendar:${method}`);
  if (fault === undefined) return null;
  if (fault.delayMs !== undefined && fault.delayMs > 0) await Bun.sleep(fault.delayMs);
  if (fault.status === undefined) return null;
  const headers: Record<string, string> = { "Content-Type": JSON_CONTENT_TYPE, ...fault.headers };
  if (fault.status === 401 && fault.body === undefined) {
    Object.assign(headers, calendarErrors.invalidCredentials().headers, fault.headers);
  }
  const body = fault.body ?? JSON.stringify(defaultFaultBody(fault.status));
  return new Response(body, { status: fault.status, headers });
}

export function calendarEndpoint(
  state: EmulatorState,
  method: CalendarMethod,
  handler: CalendarHandler,
): (c: Context) => Promise<Response> {
  return async function calendarCall(c: Context): Promise<Response> {
    state.countCalendarCall(method);
    try {
      const faulted = await playFault(state, method);
      if (faulted !== null) return faulted;
      const token = authorize(state, method, c.req.header("Authorization"), c.req.query("access_token"));
      return await handler({
        email: token.email,
        query: (name) => c.req.query(name),
        header: (name) => c.req.header(name),
        param: (name) => c.req.param(name) ?? "",
        jsonBody: () => readJsonObject(c),
      });
    } catch (error) {
      if (error instanceof GoogleApiError) return errorResponse(error);
      console.error(`calendar emulator: ${method} failed`, error);
      return jsonResponse(500, defaultFaultBody(500));
    }
  };
}
