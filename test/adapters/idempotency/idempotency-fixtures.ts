import { expect } from "bun:test";
import type { EncryptionKeys } from "../../../src/adapters/vault/encryption-keys.ts";
import type { CustomerId } from "../../../src/domain/customer-id.ts";
import { isDomainError } from "../../../src/domain/errors.ts";
import type { IdempotencyClaim, IdempotencyRecords } from "../../../src/domain/ports/idempotency-records.ts";

/**
 * What a store's test file provides so the shared contract can run on it. One harness is one
 * store (a database file, a directory, a schema, a Map); everything it opens shares it, each
 * opened store with its own connection or pool, as another process or instance would.
 */
export interface IdempotencyHarness {
  open(keys: EncryptionKeys): Promise<IdempotencyRecords>;
  /** Flip the last byte of the stored record for (customer, key), bypassing the store. */
  tamper(customerId: CustomerId, key: string): Promise<void>;
  /** Everything the store has persisted, by name: every file (WAL included) or every row. */
  storedBytes(): Promise<Array<{ name: string; bytes: Uint8Array }>>;
  cleanup(): Promise<void>;
}

export type MakeIdempotencyHarness = () => Promise<IdempotencyHarness>;

export function sampleClaim(
  customerId: CustomerId,
  key: string,
  overrides: Partial<IdempotencyClaim> = {},
): IdempotencyClaim {
  return {
    customerId,
    key,
    fingerprint: { calendar_id: "d-cal", start: "d-start", end: "d-end", summary: "d-summary" },
    calendarId: "team-calendar@group.calendar.google.com",
    request: {
      start: new Date("2027-03-01T15:00:00.000Z"),
      end: new Date("2027-03-01T15:30:00.000Z"),
      summaryHash: "5f0c2a",
    },
    ...overrides,
  };
}

export async function domainErrorCode(work: () => Promise<unknown>): Promise<string | null> {
  const error = await Promise.resolve()
    .then(work)
    .then(
      () => null,
      (caught: unknown) => caught,
    );
  expect(isDomainError(error)).toBe(true);
  return isDomainError(error) ? error.code : null;
}

/** Flip the lowest bit of the last byte: always a change, whatever the byte was. */
export function flipLastByte(bytes: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[copy.length - 1] = (copy[copy.length - 1] ?? 0) ^ 1;
  return copy;
}
