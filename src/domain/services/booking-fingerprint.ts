import type { TimeInput } from "../event-times.ts";
import type { ArgumentsFingerprint } from "../idempotency-key.ts";
import type { BookingTrace } from "../ports/idempotency-records.ts";
import type { Sha256 } from "../ports/sha256.ts";
import { formatDate, formatLocal } from "../zoned-time.ts";

/**
 * The arguments that say what a booking is, in canonical form. How it is made (allowConflicts,
 * sendUpdates, an approval) is left out: a retry may add allow_conflicts after a clash, or carry
 * the user's approval, and is still the same booking.
 */
export interface CanonicalBooking {
  summary: string;
  start: TimeInput;
  end: TimeInput;
  timeZone: string | undefined;
  description: string | undefined;
  location: string | undefined;
  attendees: { email: string; optional?: boolean }[] | undefined;
  calendarId: string;
  recurrence: string[] | undefined;
  addMeetLink: boolean | undefined;
}

/** Argument name -> digest of its canonical value; absent arguments are left out. */
export function bookingFingerprint(sha256: Sha256, booking: CanonicalBooking): ArgumentsFingerprint {
  const canonical: Record<string, unknown> = {
    summary: booking.summary,
    start: canonicalTime(booking.start),
    end: canonicalTime(booking.end),
    timeZone: booking.timeZone,
    description: booking.description,
    location: booking.location,
    // Order and case of invitees do not make another booking.
    attendees: booking.attendees
      ?.map((a) => ({ email: a.email.toLowerCase(), optional: a.optional === true }))
      .sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0)),
    calendarId: booking.calendarId,
    recurrence: booking.recurrence,
    addMeetLink: booking.addMeetLink === true ? true : undefined,
  };
  const fingerprint: Record<string, string> = {};
  for (const [name, value] of Object.entries(canonical)) {
    if (value !== undefined) fingerprint[name] = hex(sha256(JSON.stringify(value)));
  }
  return fingerprint;
}

/** What finds the booking's event again: its first occurrence's window and a digest of its title. */
export function bookingTrace(sha256: Sha256, summary: string, start: Date, end: Date): BookingTrace {
  return { start, end, summaryHash: hex(sha256(summary)) };
}

/** An instant is the same booking whatever offset wrote it; local times and dates stay as written. */
function canonicalTime(input: TimeInput): unknown {
  if (input.kind === "instant") return { instant: input.instant.toISOString() };
  if (input.kind === "local") return { local: formatLocal(input.local) };
  return { date: formatDate(input.date) };
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

function hex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += HEX[byte];
  return out;
}
