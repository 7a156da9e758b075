import type { JSONRPCRequest } from "@modelcontextprotocol/sdk/types.js";
import { type CustomerId, isCustomerId, parseCustomerId } from "../../domain/customer-id.ts";
import { DomainError } from "../../domain/errors.ts";

/**
 * Who is calling, and for whom: every rule about the caller's identity, in one place.
 *
 * The API key was checked by the HTTP surface before /mcp is reached; its non-secret id arrives
 * here. A request may be bound to one customer by `X-Customer-Id`; a tools/call's `customer_id`
 * argument must then agree with it (or be left out). Each tool receives the resolved customer as
 * a typed `CustomerId` and never sees the argument.
 */
export interface McpCaller {
  /** From X-Customer-Id: when set, every tool of this request acts for this customer only. */
  customerId: CustomerId | null;
  /** Non-secret id of the API key that authenticated the request, for logs. */
  apiKeyId: string | null;
  requestId: string | null;
}

export const ANONYMOUS_CALLER: McpCaller = { customerId: null, apiKeyId: null, requestId: null };

/** The caller of one request, or null when its X-Customer-Id header breaks the customer id rule. */
export function callerOf(
  customerHeader: string | undefined,
  apiKeyId: string | null,
  requestId: string | null,
): McpCaller | null {
  if (customerHeader !== undefined && !isCustomerId(customerHeader)) return null;
  return { customerId: customerHeader ?? null, apiKeyId, requestId };
}

/**
 * A tools/call acting for another customer than the request is bound to: the calling backend's
 * fault, refused (as a JSON-RPC error) before any message of the request runs. Null otherwise.
 *
 * Only a well-formed customer id can name another customer. Anything else (a non-string such as
 * {"toString": "x"}, which String() cannot even convert, or a malformed string) is left to
 * `customerFor`, which answers it as the invalid_customer_id tool error, without echoing it.
 */
export function foreignCustomer(request: JSONRPCRequest, caller: McpCaller): DomainError | null {
  if (request.method !== "tools/call" || caller.customerId === null) return null;
  const argument = (request.params as { arguments?: Record<string, unknown> }).arguments?.customer_id;
  return isCustomerId(argument) && argument !== caller.customerId ? customerMismatch(argument) : null;
}

/**
 * The customer a tool call acts for: its customer_id argument, which must agree with the
 * caller's bound customer when there is one (absent, the bound customer stands in).
 * @throws DomainError invalid_customer_id, customer_mismatch
 */
export function customerFor(argument: unknown, caller: McpCaller): CustomerId {
  if (argument === undefined && caller.customerId !== null) return caller.customerId;
  const customerId = parseCustomerId(argument);
  if (caller.customerId !== null && customerId !== caller.customerId) throw customerMismatch(customerId);
  return customerId;
}

function customerMismatch(argument: string): DomainError {
  return new DomainError(
    "customer_mismatch",
    `customer_id "${argument}" does not match the X-Customer-Id header of this request; refused`,
  );
}
