import { type CalendarRequestError, isRateLimited, retryAfterSeconds } from "./google-calendar-errors.ts";
import { backoffMs, type RetryPolicy } from "./outbound-call.ts";

/**
 * When a Calendar request is tried again (how often and how long to wait is the shared
 * RetryPolicy). Only requests the caller marked safe to repeat get here (reads, freeBusy,
 * delete, an insert with our own id; never an insert without id or a patch), and of those:
 * - on 5xx, 408, 429 and Google's 403 rate limits, and when no answer came (refused, reset);
 * - not on our own timeout: Google was slow, and waiting as long again would double the wait;
 * - a Retry-After longer than `maxDelayMs` is not waited out but reported (rate_limited).
 */
export function shouldRetry(policy: RetryPolicy, failure: CalendarRequestError): boolean {
  if (failure.retries + 1 >= policy.attempts || failure.timedOut) return false;
  if (failure.answer === undefined) return true;
  if (isRateLimited(failure)) {
    const after = retryAfterSeconds(failure);
    return after === null || after * 1000 <= policy.maxDelayMs;
  }
  return failure.answer.status >= 500 || failure.answer.status === 408;
}

/** Google's Retry-After when it sent one (capped), else the policy's backoff for this retry. */
export function waitBeforeRetry(policy: RetryPolicy, failure: CalendarRequestError): Promise<void> {
  const after = retryAfterSeconds(failure);
  return Bun.sleep(
    after === null ? backoffMs(policy, failure.retries + 1) : Math.min(after * 1000, policy.maxDelayMs),
  );
}
