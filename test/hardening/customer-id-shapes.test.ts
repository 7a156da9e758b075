import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Stack, startStack } from "../e2e/e2e-fixtures.ts";
import { connect, type ToolResult } from "./mcp-calls.ts";

const CUSTOMER = "shapes-user";

/**
 * customer_id values that are not strings, written as JSON text: `__proto__` must reach the server
 * as an own key, which JSON.stringify of an object literal would not give. Several of them turn
 * String() or a template literal into a TypeError ({"toString": "x"}), or into the very id they
 * imitate (["shapes-user"]).
 */
const NON_STRING_IDS = [
  '{"toString":"x"}',
  '{"valueOf":"x"}',
  '{"toString":"x","valueOf":"y"}',
  '{"toString":{"toString":"x"}}',
  '{"__proto__":{"toString":"x"}}',
  '{"__proto__":null}',
  "{}",
  `["${CUSTOMER}"]`,
  "[]",
  "[[]]",
  "123",
  "1e400",
  "true",
  "null",
];

function body(customerIdJson: string, batch: boolean): string {
  const call = `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"calendar_status","arguments":{"customer_id":${customerIdJson}}}}`;
  return batch ? `[${call}]` : call;
}

describe("a customer_id argument that is not a string", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack("sqlite");
    await connect(stack, CUSTOMER);
  });
  afterAll(async () => {
    await stack.stop();
  });

  for (const header of [CUSTOMER, null]) {
    for (const batch of [false, true]) {
      test(`is an invalid_customer_id tool error, never a 500 (X-Customer-Id ${header === null ? "absent" : "set"}, ${batch ? "batch" : "single call"})`, async () => {
        for (const id of NON_STRING_IDS) {
          const response = await stack.call("/mcp", {
            method: "POST",
            headers: header === null ? {} : { "x-customer-id": header },
            body: body(id, batch),
          });
          const text = await response.text();
          expect({ id, status: response.status }).toEqual({ id, status: 200 });
          const parsed = JSON.parse(text) as { result?: ToolResult } | Array<{ result?: ToolResult }>;
          const answer = Array.isArray(parsed) ? parsed[0] : parsed;
          expect({ id, isError: answer?.result?.isError }).toEqual({ id, isError: true });
          expect({ id, code: answer?.result?.structuredContent?.error?.code }).toEqual({
            id,
            code: "invalid_customer_id",
          });
        }
      });
    }
  }

  test("a string that is not a customer id, with X-Customer-Id set, is invalid_customer_id, not echoed back", async () => {
    const long = "x y".repeat(5_000);
    const response = await stack.call("/mcp", {
      method: "POST",
      headers: { "x-customer-id": CUSTOMER },
      body: body(JSON.stringify(long), false),
    });
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text.includes(long)).toBe(false);
    const parsed = JSON.parse(text) as { result?: ToolResult };
    expect(parsed.result?.structuredContent?.error?.code).toBe("invalid_customer_id");
  });
});
