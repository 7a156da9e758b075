import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import type { CustomerId } from "../../domain/customer-id.ts";
import { DomainError } from "../../domain/errors.ts";
import { checkIdempotencyKey } from "../../domain/idempotency-key.ts";
import type { IdempotencyClaim, IdempotencyRecord } from "../../domain/ports/idempotency-records.ts";
import { customerIdSchema, invalidFields, isoDate, parseVersioned } from "./connection-codec.ts";
import type { RecordSealer } from "./record-sealer.ts";

export const IDEMPOTENCY_FORMAT_VERSION = 1;

const recordV1 = z.object({
  v: z.literal(1),
  customerId: customerIdSchema,
  key: z.string().min(1),
  // Pairs, not an object: a name such as "__proto__" stays an ordinary entry.
  fingerprint: z.array(z.tuple([z.string(), z.string()])),
  calendarId: z.string().min(1),
  request: z.object({ start: isoDate, end: isoDate, summaryHash: z.string() }),
  state: z.enum(["pending", "completed"]),
  eventId: z.string().min(1).nullable(),
  attempt: z.string().min(1),
  createdAt: isoDate,
  updatedAt: isoDate,
});

/**
 * Where a (customer, key) record is stored: SHA-256 hex of both, never the key itself (a client
 * may put anything in it). A customer id holds no NUL, so the first NUL splits the input
 * unambiguously, and a well-formed key's UTF-8 bytes are its own: distinct keys, distinct ids.
 * @throws DomainError invalid_argument for a key checkIdempotencyKey refuses
 */
export function idempotencyRecordId(customerId: CustomerId, key: string): string {
  checkIdempotencyKey(key);
  return createHash("sha256").update(`idempotency\0${customerId}\0${key}`, "utf8").digest("hex");
}

/** A fresh pending record for `claim`. @throws DomainError invalid_argument */
export function pendingRecord(claim: IdempotencyClaim, now: Date): IdempotencyRecord {
  checkIdempotencyKey(claim.key);
  const record: IdempotencyRecord = {
    customerId: claim.customerId,
    key: claim.key,
    fingerprint: { ...claim.fingerprint },
    calendarId: claim.calendarId,
    request: { ...claim.request },
    state: "pending",
    eventId: null,
    attempt: newAttempt(),
    createdAt: now,
    updatedAt: now,
  };
  checkRecord(record);
  return record;
}

export function newAttempt(): string {
  return randomUUID();
}

/** @throws DomainError invalid_argument for an empty event id */
export function checkEventId(eventId: string): void {
  if (typeof eventId !== "string" || eventId === "") {
    throw new DomainError("invalid_argument", "A completed booking needs the event id Google gave it");
  }
}

/**
 * Sealed whole, bound to its record id (`idempotencyRecordId` of its customer and key, which the
 * caller has computed already): the calendar id and the key are client data.
 */
export function sealIdempotencyRecord(
  sealer: RecordSealer,
  id: string,
  record: IdempotencyRecord,
): Uint8Array {
  return sealer.seal("idempotency_record", id, encodeRecord(record));
}

/**
 * Open the record stored under `id`; its customer and key must hash to it.
 * @throws DomainError record_unreadable
 */
export function openIdempotencyRecord(
  sealer: RecordSealer,
  id: string,
  sealed: Uint8Array,
): IdempotencyRecord {
  const opened = sealer.open("idempotency_record", id, sealed);
  const parsed = recordV1.safeParse(
    parseVersioned(opened.plaintext, IDEMPOTENCY_FORMAT_VERSION, "idempotency record"),
  );
  if (!parsed.success) throw invalidFields("idempotency record", parsed.error);
  const { v: _version, fingerprint, ...rest } = parsed.data;
  const record: IdempotencyRecord = { ...rest, fingerprint: Object.fromEntries(fingerprint) };
  let matches: boolean;
  try {
    matches = idempotencyRecordId(record.customerId, record.key) === id;
  } catch {
    matches = false;
  }
  if (!matches)
    throw new DomainError("record_unreadable", "The stored idempotency record belongs to another key");
  return record;
}

/** @throws DomainError invalid_argument on an invalid Date, fingerprint or calendar id */
function checkRecord(record: IdempotencyRecord): void {
  if (Object.values(record.fingerprint).some((digest) => typeof digest !== "string")) {
    throw new DomainError("invalid_argument", "An idempotency fingerprint maps argument names to digests");
  }
  if (typeof record.calendarId !== "string" || record.calendarId === "") {
    throw new DomainError("invalid_argument", "An idempotency record needs the calendar id");
  }
  for (const date of [record.request.start, record.request.end, record.createdAt, record.updatedAt]) {
    if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
      throw new DomainError("invalid_argument", "Cannot store an idempotency record with an invalid date");
    }
  }
}

/** @throws DomainError invalid_argument, as checkRecord */
function encodeRecord(record: IdempotencyRecord): Uint8Array {
  checkRecord(record);
  const fingerprint = Object.entries(record.fingerprint);
  return new TextEncoder().encode(
    JSON.stringify({
      v: IDEMPOTENCY_FORMAT_VERSION,
      customerId: record.customerId,
      key: record.key,
      fingerprint,
      calendarId: record.calendarId,
      request: {
        start: record.request.start.toISOString(),
        end: record.request.end.toISOString(),
        summaryHash: record.request.summaryHash,
      },
      state: record.state,
      eventId: record.eventId,
      attempt: record.attempt,
      createdAt: record.createdAt.toISOString(),
      updatedAt: record.updatedAt.toISOString(),
    }),
  );
}
