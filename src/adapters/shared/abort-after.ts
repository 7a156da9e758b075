/**
 * Run `work` with a signal that aborts after `ms` with a TimeoutError (as `AbortSignal.timeout`
 * does), and end the deadline when `work` settles.
 *
 * `AbortSignal.timeout` cannot be ended: its timer fires `ms` later whether or not the request
 * is long done. With a 10 s deadline at 200 calls per second that is 2,000 live timers and 200
 * timer callbacks a second, each aborting a signal nobody listens to any more (on a bare fetch
 * loop, about a quarter of a wake-up of the main thread per request).
 *
 * For work that takes no signal (Arctic's token requests), `withDeadline` in
 * google/outbound-call.ts races it instead: the caller is released, the request runs on.
 */
export async function abortAfter<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(timeoutError(ms)), ms);
  try {
    return await work(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}

function timeoutError(ms: number): DOMException {
  return new DOMException(`The operation timed out after ${ms} ms.`, "TimeoutError");
}
