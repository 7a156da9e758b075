import { type CustomerId, parseCustomerId } from "../../domain/customer-id.ts";
import { DomainError } from "../../domain/errors.ts";

/**
 * Who is calling, fixed for the life of one request. Each request's server closes over it, so a
 * tool cannot act for anyone the caller was not bound to.
 */
export interface McpCaller {
  /** From X-Customer-Id: when set, every tool of this request acts for this customer only. */
  customerId: CustomerId | null;
  /** Non-secret id of the API key that authenticated the request, for logs. */
  apiKeyId: string | null;
  requestId: string | null;
}

export const ANONYMOUS_CALLER: McpCaller = { customerId: null, apiKeyId: null, requestId: null };

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

export function customerMismatch(argument: string): DomainError {
  return new DomainError(
    "customer_mismatch",
    `customer_id "${argument}" does not match the X-Customer-Id header of this request; refused`,
  );
}
