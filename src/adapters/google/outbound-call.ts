/** Deadline and bounded retry for calls to Google that their clients cannot time out themselves. */

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

export interface RetryPolicy {
  /** Total attempts, first included. */
  attempts: number;
  /** First backoff; doubles each time, with full jitter. */
  baseDelayMs: number;
}

/** Retry `work` while `retryable(error)` says so, with exponential backoff and jitter. */
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
      const ceiling = policy.baseDelayMs * 2 ** (attempt - 1);
      await Bun.sleep(ceiling / 2 + Math.random() * (ceiling / 2));
    }
  }
}
