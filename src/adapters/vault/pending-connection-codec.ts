import { createHash } from "node:crypto";
import { z } from "zod";
import { DomainError } from "../../domain/errors.ts";
import type { PendingConnection } from "../../domain/ports/pending-connections.ts";
import { customerIdSchema, invalidFields, isoDate, parseVersioned } from "./connection-codec.ts";
import type { RecordSealer } from "./record-sealer.ts";

export const PENDING_CONNECTION_FORMAT_VERSION = 1;

const pendingConnectionV1 = z.object({
  v: z.literal(1),
  connectCode: z.string().min(1),
  customerId: customerIdSchema,
  expiresAt: isoDate,
  granted: z.object({
    accessToken: z.string().min(1),
    refreshToken: z.string().min(1).nullable(),
    expiresAt: isoDate,
    scopes: z.array(z.string()).nullable(),
    email: z.string().nullable(),
    clientId: z.string().min(1),
  }),
});

/** Stores key held connections by this hash, never by the bearer code itself. */
export function connectCodeHash(connectCode: string): string {
  return createHash("sha256").update(`connect:${connectCode}`, "utf8").digest("hex");
}

/** Sealed whole: it holds the tokens Google granted. */
export function sealPendingConnection(sealer: RecordSealer, pending: PendingConnection): Uint8Array {
  const dates = [pending.expiresAt, pending.granted.expiresAt];
  if (dates.some((date) => Number.isNaN(date.getTime()))) {
    throw new DomainError("invalid_argument", "Cannot hold a connection with an invalid date");
  }
  const json = JSON.stringify({
    v: PENDING_CONNECTION_FORMAT_VERSION,
    connectCode: pending.connectCode,
    customerId: pending.customerId,
    expiresAt: pending.expiresAt.toISOString(),
    granted: {
      accessToken: pending.granted.accessToken,
      refreshToken: pending.granted.refreshToken,
      expiresAt: pending.granted.expiresAt.toISOString(),
      scopes: pending.granted.scopes,
      email: pending.granted.email,
      clientId: pending.granted.clientId,
    },
  });
  return sealer.seal(
    "pending_connection",
    connectCodeHash(pending.connectCode),
    new TextEncoder().encode(json),
  );
}

/**
 * Open a record stored under `hash`; its code must hash to it.
 * @throws DomainError record_unreadable
 */
export function openPendingConnection(
  sealer: RecordSealer,
  hash: string,
  sealed: Uint8Array,
): PendingConnection {
  const opened = sealer.open("pending_connection", hash, sealed);
  const parsed = pendingConnectionV1.safeParse(
    parseVersioned(opened.plaintext, PENDING_CONNECTION_FORMAT_VERSION, "held connection"),
  );
  if (!parsed.success) throw invalidFields("held connection", parsed.error);
  const { v: _version, ...pending } = parsed.data;
  if (connectCodeHash(pending.connectCode) !== hash) {
    throw new DomainError("record_unreadable", "The held connection belongs to another code");
  }
  return pending;
}

/**
 * Open each removed entry; one no held key opens (tampered, or sealed with a retired key) is
 * dropped without being returned: nothing could revoke its grant anyway.
 */
export function openEach(
  sealer: RecordSealer,
  rows: { code_hash: string; record: Uint8Array }[],
): PendingConnection[] {
  const opened: PendingConnection[] = [];
  for (const row of rows) {
    try {
      opened.push(openPendingConnection(sealer, row.code_hash, row.record));
    } catch {
      // Unreadable: it can only be dropped.
    }
  }
  return opened;
}
