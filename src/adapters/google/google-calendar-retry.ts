import type { MethodOptions } from "@googleapis/calendar";
import {
  asFailedRequest,
  isRateLimited,
  isTimeout,
  retryAfterSeconds,
  statusOf,
} from "./google-calendar-errors.ts";
import { backoffMs, type RetryPolicy } from "./outbound-call.ts";

/**
 * When a Calendar call is tried again (how often and how long to wait is the shared RetryPolicy). gaxios' own default retries GET/PUT/DELETE on 5xx and
 * never POST; ours is stated here instead:
 * - only calls that are safe to repeat (reads, freeBusy, delete, an insert with our own id)
 *   are retried; an insert without id or a patch never is;
 * - on 5xx, 408, 429 and Google's 403 rate limits, and on connection failures;
 * - not on our own timeout: Google was slow, and waiting as long again would double the wait;
 * - a Retry-After longer than `maxDelayMs` is not waited out but reported (rate_limited).
 */

type RetryConfig = NonNullable<MethodOptions["retryConfig"]>;

export function retryConfigFor(policy: RetryPolicy): RetryConfig {
  return {
    retry: Math.max(0, policy.attempts - 1),
    shouldRetry: (error) => shouldRetry(policy, error),
    retryBackoff: (error) => Bun.sleep(delayMs(policy, error)),
  };
}

/** How many retries the request behind `error` already had. */
export function retriesSoFar(error: unknown): number {
  return asFailedRequest(error).config?.retryConfig?.currentRetryAttempt ?? 0;
}

function shouldRetry(policy: RetryPolicy, error: unknown): boolean {
  if (retriesSoFar(error) + 1 >= policy.attempts || isTimeout(error)) return false;
  const status = statusOf(error);
  // No answer at all: refused or reset connections, DNS hiccups. A caller's abort is final.
  if (status === undefined) return asFailedRequest(error).code !== "AbortError";
  if (isRateLimited(error)) {
    const after = retryAfterSeconds(error);
    return after === null || after * 1000 <= policy.maxDelayMs;
  }
  return status >= 500 || status === 408;
}

/** gaxios counts the retry before waiting: the first wait sees 1. */
function delayMs(policy: RetryPolicy, error: unknown): number {
  const after = retryAfterSeconds(error);
  if (after !== null) return Math.min(after * 1000, policy.maxDelayMs);
  return backoffMs(policy, retriesSoFar(error));
}
