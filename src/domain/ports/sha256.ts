/**
 * SHA-256 of a text's UTF-8 bytes: what a booking's idempotency key derives its event id and
 * its argument fingerprint from. A port, so the domain needs no crypto runtime of its own;
 * synchronous, because a keyed booking hashes a handful of short strings and a runtime's
 * native hash answers in about a microsecond (Web Crypto's promise took several, and a thread
 * hop, each time).
 */
export type Sha256 = (text: string) => Uint8Array;
