import nacl from "tweetnacl";

/** The keys a sealer holds: writes use `current`; `previous` keys still open older records. */
export interface EncryptionKeys {
  current: Uint8Array;
  previous: readonly Uint8Array[];
}

export const KEY_BYTES = nacl.secretbox.keyLength;

/** Raised for a malformed key; the message never repeats the key text. */
export class InvalidEncryptionKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidEncryptionKeyError";
  }
}

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/**
 * A 32-byte key written as hex (64 characters) or base64 (standard or url-safe, padded or not).
 * Surrounding whitespace is ignored: keys often arrive from files with a trailing newline.
 * @throws InvalidEncryptionKeyError when the text is neither, or does not decode to exactly 32 bytes
 */
export function parseEncryptionKey(text: string): Uint8Array {
  const trimmed = text.trim();
  // Hex first: 64 hex characters are also valid base64 (decoding to 48 bytes).
  if (trimmed.length === KEY_BYTES * 2 && HEX.test(trimmed)) {
    return Uint8Array.from(Buffer.from(trimmed, "hex"));
  }
  if (BASE64.test(trimmed) || BASE64URL.test(trimmed)) {
    const standard = trimmed.replaceAll("-", "+").replaceAll("_", "/").replace(/=+$/, "");
    // Lengths of 1 mod 4 are not base64 at all; Buffer would silently drop the odd character.
    if (standard.length % 4 !== 1) {
      const bytes = Uint8Array.from(Buffer.from(standard, "base64"));
      if (bytes.length === KEY_BYTES) return bytes;
      throw new InvalidEncryptionKeyError(
        `encryption key decodes to ${bytes.length} bytes; it must be exactly ${KEY_BYTES} bytes`,
      );
    }
  }
  throw new InvalidEncryptionKeyError(
    `encryption key must be ${KEY_BYTES} bytes written as base64 (44 characters, standard or url-safe) ` +
      `or hex (${KEY_BYTES * 2} characters); got ${trimmed.length} characters that are neither`,
  );
}

/**
 * Several keys separated by commas or whitespace (TOKEN_ENCRYPTION_PREVIOUS_KEYS); empty text gives none.
 * @throws InvalidEncryptionKeyError naming the position of the bad key, never its text
 */
export function parseEncryptionKeyList(text: string): Uint8Array[] {
  const parts = text.split(/[\s,]+/).filter((part) => part !== "");
  return parts.map((part, index) => {
    try {
      return parseEncryptionKey(part);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new InvalidEncryptionKeyError(`key #${index + 1} of ${parts.length}: ${reason}`);
    }
  });
}

/**
 * A key no random generator would make: few distinct bytes (all zero, one byte repeated, a short
 * pattern) or a constant step (0, 1, 2, …). 32 random bytes hold about 30 distinct values; fewer
 * than 16 happens by chance with a probability far below 2^-100.
 */
export function isTrivialKey(key: Uint8Array): boolean {
  if (new Set(key).size < 16) return true;
  const step = ((key[1] ?? 0) - (key[0] ?? 0) + 256) % 256;
  return key.every((byte, index) => index === 0 || (byte - (key[index - 1] ?? 0) + 256) % 256 === step);
}

/** A fresh random key, base64: what an operator puts in TOKEN_ENCRYPTION_KEY. */
export function generateEncryptionKey(): string {
  return Buffer.from(nacl.randomBytes(KEY_BYTES)).toString("base64");
}

const KEY_ID_CONTEXT = new TextEncoder().encode("mcp-calendar/token-vault/key-id/v1\0");
export const KEY_ID_BYTES = 8;

/**
 * A short public name for a key: the first 8 bytes of SHA-512 over a fixed context and the key.
 * It tells which key sealed a record without revealing anything usable about the key.
 */
export function keyIdOf(key: Uint8Array): Uint8Array {
  const input = new Uint8Array(KEY_ID_CONTEXT.length + key.length);
  input.set(KEY_ID_CONTEXT);
  input.set(key, KEY_ID_CONTEXT.length);
  return nacl.hash(input).slice(0, KEY_ID_BYTES);
}

export function keyIdHex(keyId: Uint8Array): string {
  return Buffer.from(keyId).toString("hex");
}
