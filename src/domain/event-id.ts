import type { CustomerId } from "./customer-id.ts";
import type { Sha256 } from "./ports/sha256.ts";

const BASE32HEX = "0123456789abcdefghijklmnopqrstuv";

/**
 * The event id a booking with this idempotency key gets: SHA-256 of (customer, key) in
 * lowercase base32hex, 52 characters — inside Google's rule for client-chosen ids ([a-v0-9],
 * 5–1024 characters). The same key of the same customer always lands on the same id, so
 * Google itself refuses a second event; another customer's identical key cannot collide.
 */
export function idempotentEventId(sha256: Sha256, customerId: CustomerId, key: string): string {
  // NUL cannot occur in a customer id, so (a, b) and (a', b') never hash the same input.
  return base32hex(sha256(`${customerId}\u0000${key}`));
}

function base32hex(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32HEX[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32HEX[(buffer << (5 - bits)) & 31];
  return out;
}
