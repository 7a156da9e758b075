import { describe, expect, test } from "bun:test";
import { ConnectedReceipts } from "../../../src/adapters/http/connected-receipt.ts";

describe("ConnectedReceipts", () => {
  const key = new Uint8Array(32).fill(9);

  test("reads back what it issued until it expires; another key's receipt is refused", () => {
    const receipts = new ConnectedReceipts(key, 1000);
    const receipt = receipts.issue("ana@example.com", 10_000);
    expect(receipts.read(receipt, 10_999)).toEqual({ email: "ana@example.com" });
    expect(receipts.read(receipt, 11_000)).toBeUndefined();
    expect(new ConnectedReceipts(new Uint8Array(32).fill(8), 1000).read(receipt, 10_500)).toBeUndefined();
    expect(receipts.read(receipts.issue(null, 10_000), 10_500)).toEqual({ email: null });
  });
});
