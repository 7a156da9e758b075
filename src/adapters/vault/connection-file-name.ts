import { createHash } from "node:crypto";
import { LOCK_SUFFIX } from "./private-files.ts";

export const CONNECTION_SUFFIX = ".tvr";

/**
 * A customer's key in the encrypted-file vault: a SHA-256 of the id (hex), since ids may hold
 * characters file systems treat specially (":", case folding), and a listing shows no id.
 */
export function connectionKey(customerId: string): string {
  return createHash("sha256").update(`customer\0${customerId}`, "utf8").digest("hex");
}

/** The file, in the vault directory, holding the customer's sealed connection. */
export function connectionFileName(customerId: string): string {
  return `${connectionKey(customerId)}${CONNECTION_SUFFIX}`;
}

/** The lock (file-lock.ts), in the vault directory, every writer of that file holds. */
export function connectionLockName(customerId: string): string {
  return `${connectionFileName(customerId)}${LOCK_SUFFIX}`;
}
