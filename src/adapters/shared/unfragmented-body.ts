import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * Bodies from this size up are handed to Bun.serve as a one-chunk stream (chunked transfer)
 * instead of a string. Bun 1.4.5 sends a response that is completed after an `await` on real
 * I/O (every /mcp tool call: it waits for Google) uncorked once its body passes about 15 KiB:
 * the status line, every header name, ": ", value and CRLF, and then the body each leave in a
 * `send()` of their own: 39 system calls, and as many TCP segments, with our headers. strace of a
 * list_events answer (18 KB) shows it; an upstream fix is oven-sh/bun#41341. The same bytes as
 * a stream leave in two: the head with the body, then the chunked terminator. On a bare
 * Bun.serve with an 18 KB answer, server CPU per response was 0.23 ms as a string and 0.05 ms
 * as a stream. Below the size a string is cheaper (it is corked, and needs no stream) and keeps
 * its Content-Length. The margin under 15 KiB leaves room for the status line and headers.
 */
export const STREAMED_BODY_BYTES = 12 * 1024;

const encoder = new TextEncoder();

/** `c.json(value, status)` for a value already serialised, never written one header fragment at a time (see STREAMED_BODY_BYTES). */
export function jsonTextUnfragmented(c: Context, json: string, status?: ContentfulStatusCode): Response {
  c.header("Content-Type", "application/json");
  return c.body(unfragmentedBody(json), status);
}

/** The same response with its body re-packed the same way (see STREAMED_BODY_BYTES). */
export async function responseUnfragmented(response: Response): Promise<Response> {
  if (response.body === null) return response;
  const { status, statusText, headers } = response;
  return new Response(unfragmentedBody(await response.text()), { status, statusText, headers });
}

/** The text itself when it is small; otherwise its bytes as a stream of one chunk. */
export function unfragmentedBody(
  text: string,
): string | Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array> {
  // A UTF-16 length under a third of the limit is under it in UTF-8 whatever the characters.
  if (text.length * 3 < STREAMED_BODY_BYTES) return text;
  const bytes = encoder.encode(text);
  if (bytes.byteLength < STREAMED_BODY_BYTES) return bytes;
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}
