import { DomainError } from "./errors.ts";

/** The longest idempotency key accepted, in UTF-16 code units (what JavaScript's `length` counts). */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 256;

/**
 * Whether `key` is well-formed UTF-16: no lone surrogate. Stores address a key by its UTF-8
 * bytes, and every lone surrogate encodes as the same U+FFFD, so two different ill-formed keys
 * would land on one record. Such keys are refused, never repaired.
 */
export function isWellFormedKey(key: string): boolean {
  return key.isWellFormed();
}

/**
 * The key as given, or invalid_argument naming `idempotency_key`. Keys are compared exactly as
 * sent: no trimming, case folding or Unicode normalization here, so "é" (U+00E9) and "é"
 * (e + U+0301) are two keys; a client that sends either form consistently is unaffected.
 * @throws DomainError invalid_argument when empty, longer than 256, or not well-formed UTF-16
 */
export function checkIdempotencyKey(key: unknown): string {
  const problem =
    typeof key !== "string"
      ? "must be a string"
      : key === ""
        ? "must not be empty"
        : key.length > IDEMPOTENCY_KEY_MAX_LENGTH
          ? `must be at most ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`
          : !isWellFormedKey(key)
            ? "must be valid Unicode (it holds a lone surrogate)"
            : null;
  if (problem === null) return key as string;
  throw new DomainError("invalid_argument", `idempotency_key ${problem}`, {
    details: { field: "idempotency_key" },
  });
}

/**
 * What a booking's arguments were, as argument name -> digest of its canonical value (the
 * caller chooses the names and the canonical forms). Kept per argument so a key reused with
 * other arguments can be refused naming exactly what differs, without storing the values.
 */
export type ArgumentsFingerprint = Readonly<Record<string, string>>;

/** The argument names whose digests differ (or that only one side has), sorted. */
export function differingArguments(a: ArgumentsFingerprint, b: ArgumentsFingerprint): string[] {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].filter((name) => own(a, name) !== own(b, name)).sort();
}

// Own properties only: "constructor" must not match Object.prototype's on both sides.
function own(fingerprint: ArgumentsFingerprint, name: string): string | undefined {
  return Object.hasOwn(fingerprint, name) ? fingerprint[name] : undefined;
}
