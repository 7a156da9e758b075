import { DomainError } from "./errors.ts";

/** A validated customer id: 1–128 of [A-Za-z0-9._:@-], starting with a letter or digit. */
export type CustomerId = string & { readonly __brand: "CustomerId" };

const CUSTOMER_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

export function isCustomerId(value: unknown): value is CustomerId {
  return typeof value === "string" && CUSTOMER_ID.test(value);
}

/** @throws DomainError invalid_customer_id */
export function parseCustomerId(value: unknown): CustomerId {
  if (isCustomerId(value)) return value;
  throw new DomainError(
    "invalid_customer_id",
    "customer_id must be 1-128 characters of A-Z a-z 0-9 . _ : @ -, starting with a letter or digit",
  );
}
