import { describe, expect, test } from "bun:test";
import { takeIn } from "../../../src/adapters/mcp/json-rpc-intake.ts";
import { callerOf, customerFor } from "../../../src/adapters/mcp/mcp-caller.ts";

const BOUND = callerOf("user-123", "key-id", "request-1");

function toolCall(args: Record<string, unknown>, params: Record<string, unknown> = {}) {
  return {
    jsonrpc: "2.0",
    id: 3,
    method: "tools/call",
    params: { name: "list_calendars", arguments: args, ...params },
  };
}

describe("the JSON-RPC intake", () => {
  test("hands the message on as it came: a missing customer_id is not written into it", () => {
    if (BOUND === null) throw new Error("user-123 is a valid customer id");
    for (const message of [toolCall({}), toolCall({}, { _meta: { progressToken: 1 } })]) {
      const intake = takeIn(JSON.stringify(message), BOUND);
      expect(intake.kind).toBe("forward");
      if (intake.kind !== "forward") continue;
      expect(intake.body).toEqual(message as never);
      expect(intake.toolCall?.params.arguments).toEqual({});
      // The customer is resolved where the call runs, from the caller.
      expect(String(customerFor(intake.toolCall?.params.arguments?.customer_id, BOUND))).toBe("user-123");
    }
  });

  test("a customer_id other than X-Customer-Id is refused, the plain shape and the SDK-schema shape alike", () => {
    if (BOUND === null) throw new Error("user-123 is a valid customer id");
    for (const message of [
      toolCall({ customer_id: "user-456" }),
      toolCall({ customer_id: "user-456" }, { _meta: { progressToken: 1 } }),
    ]) {
      const intake = takeIn(JSON.stringify(message), BOUND);
      expect(intake).toMatchObject({
        kind: "answer",
        status: 200,
        body: { jsonrpc: "2.0", id: 3, error: { code: -32602, data: { code: "customer_mismatch" } } },
      });
    }
  });

  test("an X-Customer-Id that breaks the customer id rule gives no caller", () => {
    expect(callerOf("has spaces", null, null)).toBeNull();
    expect(callerOf(undefined, null, null)).toEqual({ customerId: null, apiKeyId: null, requestId: null });
  });
});
