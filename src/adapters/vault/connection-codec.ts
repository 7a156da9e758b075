import { z } from "zod";
import type { Connection } from "../../domain/connection.ts";
import { type CustomerId, isCustomerId } from "../../domain/customer-id.ts";
import { DomainError } from "../../domain/errors.ts";
import type { RecordSealer } from "./record-sealer.ts";

/** Version of the JSON inside a sealed connection; bump it (and keep decoding the old one) on change. */
export const CONNECTION_FORMAT_VERSION = 1;

export const isoDate = z.iso.datetime({ offset: true }).transform((text) => new Date(text));
export const customerIdSchema = z
  .string()
  .refine(isCustomerId)
  .transform((id) => id as CustomerId);

const connectionV1 = z.object({
  v: z.literal(1),
  customerId: customerIdSchema,
  email: z.string().nullable(),
  tokens: z.object({
    accessToken: z.string().min(1),
    refreshToken: z.string().min(1).nullable(),
    expiresAt: isoDate,
    scopes: z.array(z.string()),
  }),
  state: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("connected") }),
    z.object({ kind: z.literal("reauthorization_required"), reason: z.string(), since: isoDate }),
  ]),
  connectedAt: isoDate,
  updatedAt: isoDate,
  // Absent in records written before the issuing client was recorded.
  oauthClientId: z.string().min(1).nullable().default(null),
});

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** JSON bytes of a connection, Dates as ISO-8601. @throws DomainError invalid_argument on an invalid Date */
export function encodeConnection(connection: Connection): Uint8Array {
  const { tokens, state } = connection;
  return encoder.encode(
    JSON.stringify({
      v: CONNECTION_FORMAT_VERSION,
      customerId: connection.customerId,
      email: connection.email,
      tokens: {
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        expiresAt: iso(tokens.expiresAt),
        scopes: [...tokens.scopes],
      },
      state:
        state.kind === "connected"
          ? { kind: "connected" }
          : { kind: state.kind, reason: state.reason, since: iso(state.since) },
      connectedAt: iso(connection.connectedAt),
      updatedAt: iso(connection.updatedAt),
      oauthClientId: connection.oauthClientId,
    }),
  );
}

/**
 * Parse and validate; the customer id inside must be the one asked for (a second guard, after the
 * sealer's binding, against a record moved between customers).
 * @throws DomainError record_unreadable
 */
export function decodeConnection(bytes: Uint8Array, expected: CustomerId): Connection {
  const data = parseVersioned(bytes, CONNECTION_FORMAT_VERSION, "connection");
  const parsed = connectionV1.safeParse(data);
  if (!parsed.success) throw invalidFields("connection", parsed.error);
  const { v: _version, ...connection } = parsed.data;
  if (connection.customerId !== expected) {
    throw new DomainError("record_unreadable", "The stored connection belongs to another customer");
  }
  return connection;
}

export function sealConnection(sealer: RecordSealer, connection: Connection): Uint8Array {
  return sealer.seal("connection", connection.customerId, encodeConnection(connection));
}

/** @throws DomainError record_unreadable */
export function openConnection(
  sealer: RecordSealer,
  customerId: CustomerId,
  sealed: Uint8Array,
): { connection: Connection; sealedWithCurrentKey: boolean } {
  const opened = sealer.open("connection", customerId, sealed);
  return {
    connection: decodeConnection(opened.plaintext, customerId),
    sealedWithCurrentKey: opened.sealedWithCurrentKey,
  };
}

/** JSON with a numeric `v` we know. @throws DomainError record_unreadable */
export function parseVersioned(bytes: Uint8Array, version: number, what: string): unknown {
  let data: unknown;
  try {
    data = JSON.parse(decoder.decode(bytes));
  } catch {
    throw new DomainError("record_unreadable", `The stored ${what} is not valid JSON`);
  }
  const found = typeof data === "object" && data !== null ? (data as { v?: unknown }).v : undefined;
  if (found !== version) {
    throw new DomainError(
      "record_unreadable",
      `The stored ${what} has unknown format version ${String(found)}`,
    );
  }
  return data;
}

/** Names the bad fields only: messages must never carry stored values (they may be tokens). */
export function invalidFields(what: string, error: z.ZodError): DomainError {
  const paths = [...new Set(error.issues.map((issue) => issue.path.join(".") || "(root)"))];
  return new DomainError("record_unreadable", `The stored ${what} is invalid at: ${paths.join(", ")}`);
}

function iso(date: Date): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new DomainError("invalid_argument", "Cannot store a connection with an invalid date");
  }
  return date.toISOString();
}
