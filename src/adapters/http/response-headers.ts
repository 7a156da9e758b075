import type { Context } from "hono";

/**
 * Set headers on the answer a handler already made. `c.header` copies the whole Response for
 * every header it sets at that point (in case its headers are immutable, as a fetched Response's
 * are): five security headers and a request id made six copies per request. Ours are built in
 * this process and mutable, so they are set in place; `c.header`'s copy stays the fallback.
 */
export function setResponseHeaders(c: Context, headers: ReadonlyArray<readonly [string, string]>): void {
  try {
    for (const [name, value] of headers) c.res.headers.set(name, value);
  } catch {
    // Immutable headers refuse the very first set, so nothing was half applied.
    for (const [name, value] of headers) c.header(name, value);
  }
}
