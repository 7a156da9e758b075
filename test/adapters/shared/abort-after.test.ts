import { afterAll, describe, expect, test } from "bun:test";
import { abortAfter } from "../../../src/adapters/shared/abort-after.ts";

/** Answers at once, or (path /stall) sends its headers and then never finishes the body. */
const server = Bun.serve({
  port: 0,
  fetch(request) {
    if (new URL(request.url).pathname !== "/stall") return Response.json({ ok: true });
    return new Response(
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"partial":'));
        },
      }),
      { headers: { "content-type": "application/json" } },
    );
  },
});
afterAll(() => server.stop(true));

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("abortAfter", () => {
  test("a request answered in time ends its deadline: the signal never aborts afterwards", async () => {
    let seen: AbortSignal | undefined;
    const answer = await abortAfter(50, async (signal) => {
      seen = signal;
      return (await fetch(`${server.url}ok`, { signal })).json();
    });
    expect(answer).toEqual({ ok: true });
    // AbortSignal.timeout(50) would be aborted by now, its timer firing for a request long done.
    await Bun.sleep(120);
    expect(seen?.aborted).toBe(false);
  });

  test("a body that stops coming is cut at the deadline with a TimeoutError", async () => {
    const error = await rejection(
      abortAfter(100, async (signal) => (await fetch(`${server.url}stall`, { signal })).text()),
    );
    // Without the deadline this would wait for a body that never ends (the test's own timeout).
    expect((error as Error).name).toBe("TimeoutError");
  });

  test("work that fails ends its deadline too, and its own error comes through", async () => {
    let seen: AbortSignal | undefined;
    const error = await rejection(
      abortAfter(50, async (signal) => {
        seen = signal;
        throw new Error("refused");
      }),
    );
    expect((error as Error).message).toBe("refused");
    await Bun.sleep(120);
    expect(seen?.aborted).toBe(false);
  });
});
