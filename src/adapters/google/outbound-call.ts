/** Deadline and bounded retry for calls to Google. */

export class OutboundTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`No answer within ${timeoutMs} ms`);
    this.name = "OutboundTimeoutError";
  }
}

/**
 * Reject when `work` has not settled within `timeoutMs`. The request itself cannot be aborted
 * (Arctic builds its own `Request`), but the caller is released and told.
 */
export async function withDeadline<T>(timeoutMs: number, work: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OutboundTimeoutError(timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([work(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * How often and how patiently a call to Google is tried again: the one policy of the OAuth
 * provider and the Calendar gateway, its numbers from configuration (GOOGLE_RETRY_*).
 */
export interface RetryPolicy {
  /** Total attempts, first included. */
  attempts: number;
  /** First backoff; doubles each time, with jitter. */
  baseDelayMs: number;
  /** Longest single wait, a Retry-After included. */
  maxDelayMs: number;
}

/** The wait before retry number `retry` (1 for the first): exponential, capped, half of it jitter. */
export function backoffMs(policy: RetryPolicy, retry: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** Retry `work` while `retryable(error)` says so, waiting `backoffMs` between attempts. */
export async function withRetry<T>(
  policy: RetryPolicy,
  retryable: (error: unknown) => boolean,
  work: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= policy.attempts || !retryable(error)) throw error;
      await Bun.sleep(backoffMs(policy, attempt));
    }
  }
}
