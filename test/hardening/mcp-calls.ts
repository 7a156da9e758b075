import { expect } from "bun:test";
import { consent, type Stack } from "../e2e/e2e-fixtures.ts";

export interface ToolResult {
  isError?: boolean;
  content?: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown> & { error?: Record<string, unknown> & { code?: string } };
}

/** A bare JSON-RPC tools/call, as a plain HTTP client sends it; the whole HTTP answer. */
export async function postTool(
  stack: Stack,
  name: string,
  args: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return stack.call("/mcp", {
    method: "POST",
    headers: { accept: "*/*", ...headers },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: args } }),
  });
}

/** The tool's result (fails the test on anything but HTTP 200 with a result). */
export async function tool(stack: Stack, name: string, args: Record<string, unknown>): Promise<ToolResult> {
  const response = await postTool(stack, name, args);
  const body = (await response.json()) as { result?: ToolResult; error?: unknown };
  expect(response.status).toBe(200);
  if (body.result === undefined) throw new Error(`JSON-RPC error: ${JSON.stringify(body.error)}`);
  return body.result;
}

/** The error code of an isError result, or "ok". */
export function outcomeOf(result: ToolResult): string {
  return result.isError === true ? String(result.structuredContent?.error?.code) : "ok";
}

/** Connect `customerId` through connect_calendar and the emulator's auto-approved consent. */
export async function connect(stack: Stack, customerId: string): Promise<void> {
  const started = await tool(stack, "connect_calendar", { customer_id: customerId });
  const url = started.structuredContent?.authorization_url;
  expect(typeof url).toBe("string");
  const callback = await consent(String(url));
  expect(callback.status).toBe(200);
}
