/**
 * Shared set-up for the invitation tests: Ana (Madrid) organizes, Bob (New York) is another
 * emulator account she invites, and an outside address the emulator does not know.
 */

import { ANA, BOB, type CallResult, type TestCalendar, testCalendar, timed } from "./calendar-test-kit.ts";

export const OUTSIDER = "guest@elsewhere.org";

export interface Pair {
  cal: TestCalendar;
  bob: string;
  /** A call as Bob. */
  asBob: (method: string, path: string, body?: unknown) => Promise<CallResult>;
}

export function pair(): Pair {
  const cal = testCalendar();
  const bob = cal.token(BOB);
  return { cal, bob, asBob: (method, path, body) => cal.call(method, path, { token: bob, body }) };
}

/** Ana's event on 2024-05-06 09:00-10:00 UTC inviting herself, Bob and the outsider. */
export async function invite(p: Pair, id: string, extra: Record<string, unknown> = {}): Promise<CallResult> {
  const res = await p.cal.call("POST", "/calendars/primary/events", {
    body: timed("2024-05-06T09:00:00Z", "2024-05-06T10:00:00Z", {
      id,
      summary: "Planning",
      attendees: [{ email: ANA }, { email: BOB }, { email: OUTSIDER }],
      ...extra,
    }),
  });
  if (res.status !== 200) throw new Error(JSON.stringify(res.json));
  return res;
}

type Json = CallResult["json"];

/** The attendee entry of `email` in an event's JSON. */
export const attendee = (event: Json, email: string): Json =>
  event.attendees.find((a: { email: string }) => a.email === email);
