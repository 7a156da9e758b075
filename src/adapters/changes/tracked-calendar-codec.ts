import { createHash } from "node:crypto";
import { z } from "zod";
import { DomainError } from "../../domain/errors.ts";
import type { ObservedEvent } from "../../domain/ports/calendar-watch.ts";
import type { TrackedCalendar } from "../../domain/ports/change-tracking.ts";
import { customerIdSchema, isoDate } from "../vault/connection-codec.ts";
import type { RecordSealer } from "../vault/record-sealer.ts";

const time = z.union([
  z.object({ date: z.string() }),
  z.object({ dateTime: z.string(), timeZone: z.string().optional() }),
]);

const observedEvent = z.object({
  id: z.string(),
  status: z.enum(["confirmed", "tentative", "cancelled"]),
  summary: z.string().nullable(),
  start: time.nullable(),
  end: time.nullable(),
  updated: z.string().nullable(),
});

const trackedV1 = z.object({
  v: z.literal(1),
  customerId: customerIdSchema,
  calendarId: z.string(),
  syncToken: z.string().nullable(),
  seen: z.record(z.string(), observedEvent),
  channel: z
    .object({ id: z.string(), token: z.string(), resourceId: z.string(), expiration: isoDate })
    .nullable(),
  checkedAt: isoDate,
});

/** Sealed like a connection (it holds event summaries and the channel's secret), bound to the customer. */
export function sealTracked(sealer: RecordSealer, tracked: TrackedCalendar): Uint8Array {
  const json = JSON.stringify({
    v: 1,
    ...tracked,
    channel:
      tracked.channel === null
        ? null
        : { ...tracked.channel, expiration: tracked.channel.expiration.toISOString() },
    checkedAt: tracked.checkedAt.toISOString(),
  });
  return sealer.seal("tracked_calendar", tracked.customerId, new TextEncoder().encode(json));
}

/** @throws DomainError record_unreadable */
export function openTracked(sealer: RecordSealer, customerId: string, sealed: Uint8Array): TrackedCalendar {
  const plaintext = new TextDecoder().decode(sealer.open("tracked_calendar", customerId, sealed).plaintext);
  let parsed: z.infer<typeof trackedV1>;
  try {
    parsed = trackedV1.parse(JSON.parse(plaintext));
  } catch {
    throw new DomainError(
      "record_unreadable",
      "The stored record cannot be opened: unknown tracked-calendar format",
    );
  }
  const { v: _version, ...tracked } = parsed;
  return { ...tracked, seen: tracked.seen as Record<string, ObservedEvent> };
}

/** Own writes are kept as hashes: the store learns neither event ids nor stamps. */
export function ownWriteKey(eventId: string, stamp: string): string {
  return createHash("sha256").update(`own-write\0${eventId}\0${stamp}`).digest("hex");
}

/** How long an own write is remembered: far longer than any notification takes to arrive. */
export const OWN_WRITE_TTL_MS = 2 * 86_400_000;
