/**
 * Who is calling and may they: bearer tokens are looked up in the shared emulator state (so a
 * token from the emulator's `/token` works here), then the method's documented scopes are
 * checked, any one of them sufficing.
 */

import type { EmulatorState, IssuedAccessToken } from "../emulator-state.ts";
import { calendarErrors } from "./calendar-errors.ts";

export type CalendarMethod =
  | "events.list"
  | "events.get"
  | "events.instances"
  | "events.insert"
  | "events.patch"
  | "events.update"
  | "events.delete"
  | "freebusy.query"
  | "calendarList.list"
  | "calendarList.get"
  | "calendars.get"
  | "events.watch"
  | "channels.stop";

const scope = (name: string): string => `https://www.googleapis.com/auth/${name}`;

const WRITE_EVENTS = ["calendar", "calendar.events", "calendar.events.owned", "calendar.app.created"].map(
  scope,
);
const READ_EVENTS = [
  ...WRITE_EVENTS,
  ...["calendar.readonly", "calendar.events.readonly", "calendar.events.owned.readonly"].map(scope),
];
const FREEBUSY = ["calendar", "calendar.readonly", "calendar.freebusy", "calendar.events.freebusy"].map(
  scope,
);
const CALENDAR_LIST = [
  "calendar",
  "calendar.readonly",
  "calendar.calendarlist",
  "calendar.calendarlist.readonly",
].map(scope);
const CALENDARS_GET = [
  "calendar",
  "calendar.readonly",
  "calendar.app.created",
  "calendar.calendars",
  "calendar.calendars.readonly",
].map(scope);

/** Scopes accepted by each method (per its reference page) and its RPC name in error details. */
const METHODS: Record<CalendarMethod, { rpc: string; scopes: readonly string[] }> = {
  "events.list": { rpc: "calendar.v3.Events.List", scopes: READ_EVENTS },
  "events.get": { rpc: "calendar.v3.Events.Get", scopes: READ_EVENTS },
  "events.instances": { rpc: "calendar.v3.Events.Instances", scopes: READ_EVENTS },
  "events.insert": { rpc: "calendar.v3.Events.Insert", scopes: WRITE_EVENTS },
  "events.patch": { rpc: "calendar.v3.Events.Patch", scopes: WRITE_EVENTS },
  "events.update": { rpc: "calendar.v3.Events.Update", scopes: WRITE_EVENTS },
  "events.delete": { rpc: "calendar.v3.Events.Delete", scopes: WRITE_EVENTS },
  "freebusy.query": { rpc: "calendar.v3.Freebusy.Query", scopes: FREEBUSY },
  "calendarList.list": { rpc: "calendar.v3.CalendarList.List", scopes: CALENDAR_LIST },
  "calendarList.get": { rpc: "calendar.v3.CalendarList.Get", scopes: CALENDAR_LIST },
  "calendars.get": { rpc: "calendar.v3.Calendars.Get", scopes: CALENDARS_GET },
  "events.watch": { rpc: "calendar.v3.Events.Watch", scopes: READ_EVENTS },
  // Any token of the account that made the channel; the owner check is in channels.stop.
  "channels.stop": { rpc: "calendar.v3.Channels.Stop", scopes: READ_EVENTS },
};

/** The bearer token of a request: `Authorization: Bearer …` or the legacy `access_token` parameter. */
function presentedToken(
  authorization: string | undefined,
  accessTokenParam: string | undefined,
): string | null {
  if (authorization !== undefined && authorization.trim() !== "") {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization.trim());
    return match?.[1] ?? "";
  }
  return accessTokenParam !== undefined && accessTokenParam !== "" ? accessTokenParam : null;
}

/**
 * The token's grant, or a 401/403 in Google's words: no credential → "Login Required",
 * unknown or expired → "Invalid Credentials", missing scope → "insufficient authentication scopes".
 */
export function authorize(
  state: EmulatorState,
  method: CalendarMethod,
  authorization: string | undefined,
  accessTokenParam: string | undefined,
): IssuedAccessToken {
  const { rpc, scopes } = METHODS[method];
  const token = presentedToken(authorization, accessTokenParam);
  if (token === null) throw calendarErrors.missingCredentials(rpc);
  const issued = state.accessTokens.get(token);
  if (issued === undefined || issued.expiresAt <= Date.now()) throw calendarErrors.invalidCredentials();
  if (!issued.scopes.some((granted) => scopes.includes(granted)))
    throw calendarErrors.insufficientScopes(rpc);
  return issued;
}
