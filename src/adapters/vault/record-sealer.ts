import nacl from "tweetnacl";
import { DomainError } from "../../domain/errors.ts";
import { type EncryptionKeys, KEY_BYTES, KEY_ID_BYTES, keyIdHex, keyIdOf } from "./encryption-keys.ts";

/** What a sealed record holds; each purpose gets its own subkeys so records cannot cross tables. */
export type RecordPurpose =
  | "connection"
  | "pending_authorization"
  | "idempotency_record"
  | "pending_connection"
  | "webhook"
  | "tracked_calendar";

export interface OpenedRecord {
  plaintext: Uint8Array;
  /** Hex id of the key that sealed it. */
  keyId: string;
  /** False when an older key sealed it: the record should be resealed. */
  sealedWithCurrentKey: boolean;
}

export interface SealedRecordHeader {
  version: number;
  keyId: string;
  /** Who the record belongs to (customer id, or state hash): kept in clear so stores can list records. */
  binding: string;
}

/**
 * Sealed record, format version 1 (all in one byte string so every store keeps it as one blob):
 *   [0] version | [1..9) key id | [9] binding length n | n bytes binding (UTF-8) | 24 bytes nonce | secretbox
 * The binding is in clear but is also mixed into the subkey, so a record copied onto another
 * customer (or edited to name one) fails to open.
 */
export const SEALED_RECORD_VERSION = 1;
const NONCE_BYTES = nacl.secretbox.nonceLength;
const HEADER_FIXED = 1 + KEY_ID_BYTES + 1;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

interface HeldKey {
  key: Uint8Array;
  id: Uint8Array;
  hexId: string;
}

/** Seals and opens records with tweetnacl secretbox (XSalsa20-Poly1305) under per-record subkeys. */
export class RecordSealer {
  readonly #current: HeldKey;
  readonly #byId = new Map<string, HeldKey>();

  /** @throws Error when a key is not 32 bytes (config parses keys with parseEncryptionKey first) */
  constructor(keys: EncryptionKeys) {
    for (const key of [keys.current, ...keys.previous]) {
      if (key.length !== KEY_BYTES) throw new Error(`encryption keys must be ${KEY_BYTES} bytes`);
      const id = keyIdOf(key);
      const hexId = keyIdHex(id);
      // The same key listed twice is harmless; keep the first (the current one wins).
      if (!this.#byId.has(hexId)) this.#byId.set(hexId, { key: Uint8Array.from(key), id, hexId });
    }
    this.#current = this.#byId.get(keyIdHex(keyIdOf(keys.current))) as HeldKey;
  }

  /** Hex id of the key new records are sealed with. */
  get currentKeyId(): string {
    return this.#current.hexId;
  }

  /** Seal with the current key and a fresh random nonce. */
  seal(purpose: RecordPurpose, binding: string, plaintext: Uint8Array): Uint8Array {
    const bindingBytes = encodeBinding(binding);
    const nonce = nacl.randomBytes(NONCE_BYTES);
    const box = nacl.secretbox(plaintext, nonce, subkey(this.#current.key, purpose, binding));
    const out = new Uint8Array(HEADER_FIXED + bindingBytes.length + NONCE_BYTES + box.length);
    out[0] = SEALED_RECORD_VERSION;
    out.set(this.#current.id, 1);
    out[1 + KEY_ID_BYTES] = bindingBytes.length;
    out.set(bindingBytes, HEADER_FIXED);
    out.set(nonce, HEADER_FIXED + bindingBytes.length);
    out.set(box, HEADER_FIXED + bindingBytes.length + NONCE_BYTES);
    return out;
  }

  /**
   * Open a record that must belong to `binding`.
   * @throws DomainError record_unreadable (truncated, unknown version or key, tampered, or moved)
   */
  open(purpose: RecordPurpose, binding: string, sealed: Uint8Array): OpenedRecord {
    const header = inspectSealedRecord(sealed);
    if (header.binding !== binding) throw unreadable("it belongs to another record");
    const held = this.#byId.get(header.keyId);
    if (held === undefined) throw unreadable(`it was sealed with an unknown key (key id ${header.keyId})`);
    const start = HEADER_FIXED + encoder.encode(binding).length;
    const nonce = sealed.subarray(start, start + NONCE_BYTES);
    const box = sealed.subarray(start + NONCE_BYTES);
    const plaintext = nacl.secretbox.open(box, nonce, subkey(held.key, purpose, binding));
    if (plaintext === null)
      throw unreadable("authentication failed (tampered, or copied from another record)");
    return { plaintext, keyId: held.hexId, sealedWithCurrentKey: held === this.#current };
  }

  /**
   * The same record sealed with the current key (fresh nonce), or null when the current key
   * already seals it: what key rotation writes back, the plaintext never decoded.
   * @throws DomainError record_unreadable, as `open`
   */
  reseal(purpose: RecordPurpose, binding: string, sealed: Uint8Array): Uint8Array | null {
    const opened = this.open(purpose, binding, sealed);
    return opened.sealedWithCurrentKey ? null : this.seal(purpose, binding, opened.plaintext);
  }
}

/**
 * Read a sealed record's clear header without any key.
 * @throws DomainError record_unreadable when it is truncated or of an unknown format version
 */
export function inspectSealedRecord(sealed: Uint8Array): SealedRecordHeader {
  const version = sealed[0];
  if (version === undefined) throw unreadable("it is empty");
  if (version !== SEALED_RECORD_VERSION) throw unreadable(`unknown record format version ${version}`);
  const bindingLength = sealed[HEADER_FIXED - 1];
  const minimum = HEADER_FIXED + (bindingLength ?? 0) + NONCE_BYTES + nacl.secretbox.overheadLength;
  if (bindingLength === undefined || sealed.length < minimum) throw unreadable("it is truncated");
  let binding: string;
  try {
    binding = decoder.decode(sealed.subarray(HEADER_FIXED, HEADER_FIXED + bindingLength));
  } catch {
    throw unreadable("its header is corrupt");
  }
  return { version, keyId: keyIdHex(sealed.subarray(1, 1 + KEY_ID_BYTES)), binding };
}

function encodeBinding(binding: string): Uint8Array {
  const bytes = encoder.encode(binding);
  if (bytes.length === 0 || bytes.length > 255) throw new Error("record binding must be 1-255 bytes");
  return bytes;
}

/**
 * SHA-512(key ‖ context) truncated to 32 bytes. With a secret 32-byte key first and the output
 * truncated, this is a sound key derivation (no length extension). The same bytes as
 * tweetnacl's `nacl.hash`, from Bun's native SHA-512: three derivations per keyed booking made
 * tweetnacl's JavaScript SHA-512 the largest part of sealing.
 */
function subkey(key: Uint8Array, purpose: RecordPurpose, binding: string): Uint8Array {
  const hasher = new Bun.CryptoHasher("sha512");
  hasher.update(key);
  hasher.update(`mcp-calendar/token-vault/v1\0${purpose}\0${binding}`);
  return hasher.digest().subarray(0, KEY_BYTES);
}

function unreadable(reason: string): DomainError {
  return new DomainError("record_unreadable", `The stored record cannot be opened: ${reason}`);
}
