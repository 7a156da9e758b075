/** First retry after about a second, doubling to this cap. */
const BASE_MS = 1000;
const CAP_MS = 10 * 60 * 1000;

/**
 * Delay before attempt `attempts + 1`, after `attempts` failures: exponential, capped, with
 * jitter (half fixed, half random) so instances and webhooks that failed together spread out.
 * Attempts come at about 1, 3, 7, 15, 31 s…: a receiver back after a 15 s outage is retried
 * within about 16 s of coming back.
 */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const exponential = Math.min(CAP_MS, BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}
