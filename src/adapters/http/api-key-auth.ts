import type { MiddlewareHandler } from "hono";
import { sha256 } from "../system/sha256.ts";
import { HttpError } from "./http-errors.ts";

export interface ApiKeyVariables {
  /** Non-secret id of the key that authenticated the request (a hash prefix), for logs and limits. */
  apiKeyId: string;
}

/**
 * Bearer API keys for server-to-server calls. Several keys at once allow rotation. Compared
 * as SHA-256 digests in constant time, so neither the key nor its length leaks through timing.
 */
export function apiKeyAuth<E extends { Variables: ApiKeyVariables }>(keys: string[]): MiddlewareHandler<E> {
  const known = keys.map((key) => ({ digest: sha256(key), id: keyId(key) }));
  return async function apiKeyAuthMiddleware(c, next) {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    const presented = match?.[1];
    if (presented === undefined) {
      throw new HttpError(401, "unauthorized", "Missing API key: send Authorization: Bearer <key>", {
        "WWW-Authenticate": 'Bearer realm="mcp-calendar"',
      });
    }
    const digest = sha256(presented);
    let matched: string | null = null;
    for (const candidate of known) {
      // Compare against every key, without early exit, so timing says nothing about which matched.
      if (constantTimeEqual(candidate.digest, digest)) matched = candidate.id;
    }
    if (matched === null) {
      throw new HttpError(401, "unauthorized", "Invalid API key", {
        "WWW-Authenticate": 'Bearer realm="mcp-calendar", error="invalid_token"',
      });
    }
    c.set("apiKeyId", matched);
    await next();
  };
}

export function keyId(key: string): string {
  return Buffer.from(sha256(key).subarray(0, 6)).toString("hex");
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i += 1) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}
