/**
 * Server-driven approvals (reference §5): which calls need the user's consent, the form-mode
 * elicitation that asks for it (MCP 2026-07-28 multi round-trip: an `input_required` result),
 * and the signed, single-use `requestState` that ties the retried call to the first one.
 * Google's message text and form fields are unknown; ours are a plain confirmation form.
 */

import { createHmac, timingSafeEqual } from "node:crypto";
import { resolveCalendar } from "../calendar/calendar-store.ts";
import { getEvent } from "../calendar/event-write.ts";
import type { EmulatorState } from "../emulator-state.ts";
import { toolFailures } from "./mcp-errors.ts";
import type { ToolArguments } from "./tool-arguments.ts";

export const APPROVAL_KEY = "approval";
const TTL_MS = 10 * 60_000;

export interface ApprovalCaller {
  state: EmulatorState;
  email: string;
  clientId: string;
  tool: string;
  args: ToolArguments;
  now: number;
}

export interface InputRequiredResult {
  resultType: "input_required";
  inputRequests: Record<string, { method: "elicitation/create"; params: Record<string, unknown> }>;
  requestState: string;
}

const domainOf = (email: string): string => email.slice(email.lastIndexOf("@") + 1).toLowerCase();

function emailsOf(values: unknown): string[] {
  if (!Array.isArray(values)) return [];
  return values.map((v) =>
    typeof v === "object" && v !== null ? String((v as { email?: unknown }).email) : String(v),
  );
}

/** What the user is asked to allow, or null when the call needs no approval. */
export function approvalMessage(caller: ApprovalCaller): string | null {
  const { args } = caller;
  if (caller.tool === "delete_event") {
    const calendarId = typeof args.calendarId === "string" ? args.calendarId : "primary";
    const calendar = resolveCalendar(caller.state, caller.email, calendarId);
    if (calendar === null) return null;
    try {
      const event = getEvent(calendar, String(args.eventId), calendar.timeZone).json;
      if (event.status === "cancelled") return null;
      return `Allow this app to delete the event "${String(event.summary ?? "(No title)")}" from your calendar?`;
    } catch {
      // The call will fail on its own (not found): nothing to approve.
      return null;
    }
  }
  const invited =
    caller.tool === "create_event"
      ? [...emailsOf(args.attendees), ...emailsOf(args.attendeeEmails)]
      : caller.tool === "update_event"
        ? [...emailsOf(args.addedAttendees), ...emailsOf(args.addedAttendeeEmails)]
        : [];
  const outside = invited.filter((email) => domainOf(email) !== domainOf(caller.email));
  if (outside.length === 0) return null;
  const title = typeof args.summary === "string" ? ` to "${args.summary}"` : "";
  return `Allow this app to invite guests outside your organization (${outside.join(", ")})${title}?`;
}

const keys = new WeakMap<EmulatorState, Buffer>();
const used = new WeakMap<EmulatorState, Map<string, number>>();

function keyOf(state: EmulatorState): Buffer {
  let key = keys.get(state);
  if (key === undefined) {
    key = Buffer.from(crypto.getRandomValues(new Uint8Array(32)));
    keys.set(state, key);
  }
  return key;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** What the state binds: the user, the client, the tool and its exact arguments. */
function binding(caller: ApprovalCaller): string {
  return canonical({ u: caller.email, c: caller.clientId, t: caller.tool, a: caller.args });
}

function sign(state: EmulatorState, payload: string): string {
  return createHmac("sha256", keyOf(state)).update(payload).digest("base64url");
}

export function inputRequired(caller: ApprovalCaller, message: string): InputRequiredResult {
  const nonce = crypto.randomUUID();
  const bound = createHmac("sha256", keyOf(caller.state)).update(binding(caller)).digest("base64url");
  const payload = Buffer.from(JSON.stringify({ n: nonce, x: caller.now + TTL_MS, b: bound })).toString(
    "base64url",
  );
  return {
    resultType: "input_required",
    inputRequests: {
      [APPROVAL_KEY]: {
        method: "elicitation/create",
        params: { mode: "form", message, requestedSchema: { type: "object", properties: {} } },
      },
    },
    requestState: `${payload}.${sign(caller.state, payload)}`,
  };
}

function readClaims(payload: string): { n: string; x: number; b: string } {
  try {
    return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
      n: string;
      x: number;
      b: string;
    };
  } catch {
    throw toolFailures.badRequestState();
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The user's answer carried by a retried call, once its `requestState` is checked: genuine,
 * unexpired, unused, and issued for this user, client, tool and arguments. Throws otherwise.
 */
export function readApproval(caller: ApprovalCaller, requestState: unknown, inputResponses: unknown): string {
  if (typeof requestState !== "string") throw toolFailures.badRequestState();
  const [payload = "", signature = ""] = requestState.split(".");
  if (!sameText(sign(caller.state, payload), signature)) throw toolFailures.badRequestState();
  const claims = readClaims(payload);
  const bound = createHmac("sha256", keyOf(caller.state)).update(binding(caller)).digest("base64url");
  const seen = used.get(caller.state) ?? new Map<string, number>();
  used.set(caller.state, seen);
  for (const [nonce, expiry] of seen) if (expiry < caller.now) seen.delete(nonce);
  if (claims.x < caller.now || claims.b !== bound || seen.has(claims.n)) throw toolFailures.badRequestState();
  const answer =
    typeof inputResponses === "object" && inputResponses !== null
      ? (inputResponses as Record<string, unknown>)[APPROVAL_KEY]
      : undefined;
  const action =
    typeof answer === "object" && answer !== null ? (answer as { action?: unknown }).action : undefined;
  if (action !== "accept" && action !== "decline" && action !== "cancel")
    throw toolFailures.badRequestState();
  seen.set(claims.n, claims.x);
  return action;
}
