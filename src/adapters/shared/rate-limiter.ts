/** The answer to one request for a unit of budget. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** A budget per key; what the MCP endpoint asks before it runs anything. */
export interface RateLimiter {
  take(key: string): RateDecision;
}

export interface RateLimiterOptions {
  /** Sustained requests per minute per key; also the burst a fresh key may spend at once. 0 disables. */
  perMinute: number;
  /** Milliseconds now; tests pass their own. */
  now?: () => number;
  /** Past this many tracked keys, idle (full) buckets are dropped so memory stays bounded. */
  maxKeys?: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const MINUTE_MS = 60_000;
const DEFAULT_MAX_KEYS = 10_000;

/**
 * A token bucket per key (an API key id, a customer id), kept in this process's memory: each
 * key holds up to `perMinute` tokens, refilled continuously at `perMinute` a minute, and every
 * request spends one. Bursts up to a minute's budget pass; a steady excess is refused with the
 * wait until the next token.
 *
 * Several server instances each enforce their own budget: behind a load balancer spreading over
 * N instances a key may get up to N times the limit. Shared limits would need the shared store.
 */
export class TokenBucketRateLimiter implements RateLimiter {
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #now: () => number;
  readonly #maxKeys: number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: RateLimiterOptions) {
    this.#capacity = Math.max(0, options.perMinute);
    this.#perMs = this.#capacity / MINUTE_MS;
    this.#now = options.now ?? Date.now;
    this.#maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  }

  /** False when perMinute is 0: every request passes and nothing is tracked. */
  get enabled(): boolean {
    return this.#capacity > 0;
  }

  /** How many keys have a bucket now: bounded by `maxKeys`. */
  get trackedKeys(): number {
    return this.#buckets.size;
  }

  /** Spend one token of `key`'s budget, or say how long until one is there. */
  take(key: string): RateDecision {
    if (!this.enabled) return { allowed: true };
    const now = this.#now();
    const bucket = this.#buckets.get(key) ?? this.#fresh(now);
    const tokens = Math.min(this.#capacity, bucket.tokens + (now - bucket.updatedAt) * this.#perMs);
    if (tokens >= 1) {
      this.#buckets.set(key, { tokens: tokens - 1, updatedAt: now });
      return { allowed: true };
    }
    this.#buckets.set(key, { tokens, updatedAt: now });
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.#perMs / 1000)) };
  }

  #fresh(now: number): Bucket {
    if (this.#buckets.size >= this.#maxKeys) this.#dropIdle(now);
    return { tokens: this.#capacity, updatedAt: now };
  }

  /**
   * A bucket that has refilled completely says nothing a fresh one would not: forget it. If every
   * key is busy, forget the oldest ones anyway: memory stays bounded, at the price of a fresh
   * budget for a key that comes back (the per-API-key limit still bounds the whole).
   */
  #dropIdle(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.updatedAt) * this.#perMs >= this.#capacity) this.#buckets.delete(key);
    }
    // Down to 90%, so the scan above runs once per many new keys, not for each.
    const target = Math.floor(this.#maxKeys * 0.9);
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size <= target) break;
      this.#buckets.delete(key);
    }
  }
}
