import { Buffer } from "node:buffer";
import type { Connection } from "../../domain/connection.ts";
import type { CustomerId } from "../../domain/customer-id.ts";
import { openConnection } from "./connection-codec.ts";
import type { RecordSealer } from "./record-sealer.ts";

export const DEFAULT_OPENED_CONNECTIONS = 10_000;

interface Entry {
  sealed: Uint8Array;
  connection: Connection;
}

/**
 * Connections already opened, each remembered with the exact sealed bytes it was opened from.
 * Every tool call reads its customer's record; opening it (key derivation, decryption, JSON and
 * schema checks) costs more than reading it, and the record rarely changes between calls.
 *
 * Correctness never rests on invalidation: a vault still reads the record from its store on
 * every get, and an entry is used only when the bytes read are the very bytes it was opened from.
 * Any write, by this process or another (a refresh, a reseal with a new key), seals with a fresh
 * random nonce, so the bytes differ and the record is opened again. `forget` on put and delete
 * only frees the memory early.
 *
 * Bounded: past `maxEntries` the oldest entry goes, so memory does not grow with the number of
 * customers. Callers get copies (the TokenVault contract): what one changes, nobody else sees.
 */
export class OpenedConnectionCache {
  readonly #entries = new Map<CustomerId, Entry>();
  readonly #maxEntries: number;

  constructor(maxEntries = DEFAULT_OPENED_CONNECTIONS) {
    this.#maxEntries = Math.max(0, maxEntries);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** @throws DomainError record_unreadable (from openConnection; nothing is remembered then) */
  open(sealer: RecordSealer, customerId: CustomerId, sealed: Uint8Array): Connection {
    const entry = this.#entries.get(customerId);
    if (entry !== undefined && sameBytes(entry.sealed, sealed)) return copyOf(entry.connection);
    const { connection } = openConnection(sealer, customerId, sealed);
    if (this.#maxEntries === 0) return connection;
    this.#entries.delete(customerId);
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    // Copies of both: the store may reuse the buffer it handed out, and the caller owns what it gets.
    this.#entries.set(customerId, { sealed: Uint8Array.from(sealed), connection: copyOf(connection) });
    return connection;
  }

  forget(customerId: CustomerId): void {
    this.#entries.delete(customerId);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}

/** A deep copy: every object and Date of a Connection is new. */
function copyOf(connection: Connection): Connection {
  const { tokens, state } = connection;
  return {
    customerId: connection.customerId,
    email: connection.email,
    tokens: {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: new Date(tokens.expiresAt.getTime()),
      scopes: [...tokens.scopes],
    },
    state:
      state.kind === "connected"
        ? { kind: "connected" }
        : { kind: state.kind, reason: state.reason, since: new Date(state.since.getTime()) },
    connectedAt: new Date(connection.connectedAt.getTime()),
    updatedAt: new Date(connection.updatedAt.getTime()),
    oauthClientId: connection.oauthClientId,
  };
}
