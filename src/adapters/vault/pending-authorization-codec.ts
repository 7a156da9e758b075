import { createHash } from "node:crypto";
import { z } from "zod";
import type { PendingAuthorization } from "../../domain/connection.ts";
import { DomainError } from "../../domain/errors.ts";
import { customerIdSchema, invalidFields, isoDate, parseVersioned } from "./connection-codec.ts";
import type { RecordSealer } from "./record-sealer.ts";

export const PENDING_FORMAT_VERSION = 1;

const pendingV1 = z.object({
  v: z.literal(1),
  state: z.string().min(1),
  customerId: customerIdSchema,
  codeVerifier: z.string().min(1),
  expiresAt: isoDate,
  expectedEmail: z.string().optional(),
});

/**
 * Stores key pending authorizations by this hash, never by the state itself: the state is a bearer
 * value until used, and a hash of 256 random bits needs no key to be safe to show.
 */
export function stateHash(state: string): string {
  return createHash("sha256").update(state, "utf8").digest("hex");
}

/** Which customer an entry is for, as stores index it (in clear, but not the id itself). */
export function customerKey(customerId: string): string {
  return createHash("sha256").update(`customer:${customerId}`, "utf8").digest("hex");
}

/** Sealed whole: the PKCE verifier is a secret. */
export function sealPendingAuthorization(sealer: RecordSealer, pending: PendingAuthorization): Uint8Array {
  if (Number.isNaN(pending.expiresAt.getTime())) {
    throw new DomainError("invalid_argument", "Cannot store an authorization with an invalid expiry");
  }
  const json = JSON.stringify({
    v: PENDING_FORMAT_VERSION,
    state: pending.state,
    customerId: pending.customerId,
    codeVerifier: pending.codeVerifier,
    expiresAt: pending.expiresAt.toISOString(),
    ...(pending.expectedEmail === undefined ? {} : { expectedEmail: pending.expectedEmail }),
  });
  return sealer.seal("pending_authorization", stateHash(pending.state), new TextEncoder().encode(json));
}

/**
 * Open a record stored under `hash`; its state must hash to it.
 * @throws DomainError record_unreadable
 */
export function openPendingAuthorization(
  sealer: RecordSealer,
  hash: string,
  sealed: Uint8Array,
): PendingAuthorization {
  const opened = sealer.open("pending_authorization", hash, sealed);
  const parsed = pendingV1.safeParse(
    parseVersioned(opened.plaintext, PENDING_FORMAT_VERSION, "authorization"),
  );
  if (!parsed.success) throw invalidFields("authorization", parsed.error);
  const { v: _version, ...pending } = parsed.data;
  if (stateHash(pending.state) !== hash) {
    throw new DomainError("record_unreadable", "The stored authorization belongs to another state");
  }
  return pending;
}
