import { createHash } from "node:crypto";

/**
 * A 64-bit key for pg_advisory_xact_lock(bigint), as decimal text: the first 8 bytes of
 * SHA-256 over the parts. Advisory locks are database-wide, so callers include the schema:
 * deployments (or test runs) in different schemas of one database never wait for each other.
 * A collision between two keys could only make two unrelated callers wait in turn, never let two
 * holders of one key run together.
 */
export function advisoryLockKey(...parts: string[]): string {
  const digest = createHash("sha256")
    .update(`mcp-calendar/advisory-lock/v1\0${parts.join("\0")}`)
    .digest();
  return digest.readBigInt64BE(0).toString();
}
