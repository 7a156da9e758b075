import { describe, expect, test } from "bun:test";
import { isDomainError } from "../../src/domain/errors.ts";
import {
  checkIdempotencyKey,
  differingArguments,
  IDEMPOTENCY_KEY_MAX_LENGTH,
  isWellFormedKey,
} from "../../src/domain/idempotency-key.ts";

function refusal(key: unknown): string {
  try {
    checkIdempotencyKey(key);
  } catch (error) {
    expect(isDomainError(error, "invalid_argument")).toBe(true);
    expect((error as { details: unknown }).details).toEqual({ field: "idempotency_key" });
    return (error as Error).message;
  }
  throw new Error("expected a refusal");
}

describe("idempotency keys", () => {
  test("a lone surrogate anywhere is not well-formed; pairs, NUL and every plane are", () => {
    for (const key of ["\ud800", "\udfff", "a\ud83d", "\ude00b", "\ude00\ud83d"])
      expect(isWellFormedKey(key)).toBe(false);
    for (const key of ["\u{1F600}", "a\u0000b", "caf\u00e9", "\uffff", "plain-key"])
      expect(isWellFormedKey(key)).toBe(true);
  });

  test("checkIdempotencyKey keeps the key exactly as sent, and says why it refuses one", () => {
    for (const key of [" padded ", "cafe\u0301", "x".repeat(IDEMPOTENCY_KEY_MAX_LENGTH)]) {
      expect(checkIdempotencyKey(key)).toBe(key);
    }
    expect(refusal("a\ud800")).toContain("valid Unicode");
    expect(refusal("")).toContain("empty");
    expect(refusal("x".repeat(IDEMPOTENCY_KEY_MAX_LENGTH + 1))).toContain("at most 256");
    expect(refusal(42)).toContain("string");
  });

  test("differingArguments names every argument whose digest differs or that one side lacks", () => {
    const first = { start: "a", end: "b", summary: "c" };
    expect(differingArguments(first, { ...first })).toEqual([]);
    expect(differingArguments(first, { start: "a", end: "B", attendees: "d", summary: "c" })).toEqual([
      "attendees",
      "end",
    ]);
    // Names that exist on Object.prototype are compared as own entries only.
    expect(differingArguments(first, { ...first, constructor: "x" })).toEqual(["constructor"]);
    expect(differingArguments(Object.fromEntries([["__proto__", "x"]]), {})).toEqual(["__proto__"]);
  });
});
