import { describe, expect, test } from "bun:test";
import { sha256 } from "../../src/adapters/system/sha256.ts";
import { parseTimeInput } from "../../src/domain/event-times.ts";
import { bookingFingerprint, bookingTrace } from "../../src/domain/services/booking-fingerprint.ts";

/** How every earlier version digested a fingerprint's values: Web Crypto, lowercase hex. */
async function webCryptoHex(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

describe("booking fingerprints", () => {
  const booking = {
    summary: "Réunion d'équipe ☀",
    start: parseTimeInput("start", "2026-03-10T15:00:00+01:00"),
    end: parseTimeInput("end", "2026-03-10T16:00:00+01:00"),
    timeZone: "Europe/Paris",
    description: "Quarterly review",
    location: undefined,
    attendees: [{ email: "B@example.com" }, { email: "a@example.com", optional: true }],
    calendarId: "primary",
    recurrence: ["RRULE:FREQ=WEEKLY;COUNT=4"],
    addMeetLink: true,
  };

  test("digests are the ones Web Crypto gave: records stored before the native hash still match a retry", async () => {
    const fingerprint = bookingFingerprint(sha256, booking);
    expect(Object.keys(fingerprint)).toEqual([
      "summary",
      "start",
      "end",
      "timeZone",
      "description",
      "attendees",
      "calendarId",
      "recurrence",
      "addMeetLink",
    ]);
    expect(fingerprint.summary).toBe(await webCryptoHex(JSON.stringify(booking.summary)));
    expect(fingerprint.start).toBe(
      await webCryptoHex(JSON.stringify({ instant: "2026-03-10T14:00:00.000Z" })),
    );
    expect(fingerprint.attendees).toBe(
      await webCryptoHex(
        JSON.stringify([
          { email: "a@example.com", optional: true },
          { email: "b@example.com", optional: false },
        ]),
      ),
    );
    const trace = bookingTrace(sha256, booking.summary, new Date(0), new Date(1));
    expect(trace.summaryHash).toBe(await webCryptoHex(booking.summary));
  });
});
