/**
 * The two load shapes. Both call `call(i)` for i = 0..count-1 and time each call; `call`
 * resolves true for a successful tool call, false for an error answer, and may throw.
 */

export interface LoadResult {
  /** Per call, milliseconds; see each runner for where the clock starts. */
  latenciesMs: number[];
  completed: number;
  errors: number;
  elapsedMs: number;
  /** Completed calls per second over the whole run. */
  throughput: number;
  /** Open loop only: the largest delay between a call's scheduled and actual dispatch. */
  maxDispatchLagMs?: number;
}

export type Call = (index: number) => Promise<boolean>;

/** A run's figures once its last call has answered; every call counts as completed. */
function finished(latencies: number[], errors: number, started: number): LoadResult {
  const elapsedMs = performance.now() - started;
  const completed = latencies.length;
  return { latenciesMs: latencies, completed, errors, elapsedMs, throughput: (completed * 1000) / elapsedMs };
}

/** The call's verdict, a throw counting as a failed call. */
function succeeded(call: Call, index: number): Promise<boolean> {
  return call(index).catch(() => false);
}

/**
 * Open loop: call i is due at start + i / rate whatever the earlier calls are doing, and its
 * latency counts from when it was due (or from its sending, if the timer let it go early). A slow
 * server therefore cannot slow the arrival rate down and hide its own queueing (coordinated
 * omission), as a closed loop would.
 */
export async function fixedRate(rate: number, count: number, call: Call): Promise<LoadResult> {
  const latencies: number[] = new Array(count);
  let errors = 0;
  let maxLag = 0;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  for (let index = 0; index < count; index += 1) {
    const due = started + (index * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await Bun.sleep(wait);
    // Bun.sleep wakes up to a millisecond early (median 0.4 ms at 200/s): a call sent before it
    // is due counts from its sending, or a call would seem shorter than its own round trip.
    const sent = performance.now();
    const from = Math.min(due, sent);
    maxLag = Math.max(maxLag, sent - due);
    pending.push(
      succeeded(call, index).then((ok) => {
        latencies[index] = performance.now() - from;
        if (!ok) errors += 1;
      }),
    );
  }
  await Promise.all(pending);
  return { ...finished(latencies, errors, started), maxDispatchLagMs: maxLag };
}

/** Closed loop: `concurrency` callers, each starting its next call when the last one answered. */
export async function saturate(concurrency: number, count: number, call: Call): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    for (let index = next++; index < count; index = next++) {
      const sent = performance.now();
      const ok = await succeeded(call, index);
      latencies.push(performance.now() - sent);
      if (!ok) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return finished(latencies, errors, started);
}

/** Everything at once: all `count` calls dispatched together; latency of the whole burst. */
export async function burst(count: number, call: Call): Promise<LoadResult> {
  const latencies: number[] = new Array(count);
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: count }, (_, index) =>
      succeeded(call, index).then((ok) => {
        latencies[index] = performance.now() - started;
        if (!ok) errors += 1;
      }),
    ),
  );
  return finished(latencies, errors, started);
}
