import { describe, expect, test } from "bun:test";
import { isCustomerId, parseCustomerId } from "../../src/domain/customer-id.ts";
import { DomainError } from "../../src/domain/errors.ts";

describe("customer_id rule", () => {
  test.each(["user-123", "a", "A.b_c:d@e-f", "9lives", "x".repeat(128), "tenant:42@acme.example"])(
    "accepts %p",
    (id) => {
      expect(parseCustomerId(id)).toBe(id as never);
    },
  );

  test.each([
    "",
    "-starts-with-dash",
    ".hidden",
    "../etc/passwd",
    "%2e%2e",
    "has space",
    "nul\u0000byte",
    "x".repeat(129),
    "ünicode",
    "a/b",
    "a\\b",
    "line\nbreak",
  ])("rejects %p with invalid_customer_id", (id) => {
    expect(isCustomerId(id)).toBe(false);
    try {
      parseCustomerId(id);
      throw new Error("accepted");
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe("invalid_customer_id");
    }
  });

  test("rejects non-strings", () => {
    for (const value of [undefined, null, 42, {}, ["user-1"]]) expect(isCustomerId(value)).toBe(false);
  });
});
