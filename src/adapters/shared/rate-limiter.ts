/** The answer to one request for a unit of budget. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** A budget per key; what the MCP endpoint asks before it runs anything. */
export interface RateLimiter {
  /** Spend `cost` units (default 1) of `key`'s budget, all or none. */
  take(key: string, cost?: number): RateDecision;
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

  /**
   * Spend `cost` tokens of `key`'s budget (a JSON-RPC batch spends one per message), or spend
   * nothing and say how long until that many are there. A cost above the whole budget can never
   * pass: it is told to wait a whole minute.
   */
  take(key: string, cost = 1): RateDecision {
    if (!this.enabled) return { allowed: true };
    const now = this.#now();
    const bucket = this.#buckets.get(key) ?? this.#fresh(now);
    const tokens = Math.min(this.#capacity, bucket.tokens + (now - bucket.updatedAt) * this.#perMs);
    if (tokens >= cost) {
      this.#buckets.set(key, { tokens: tokens - cost, updatedAt: now });
      return { allowed: true };
    }
    this.#buckets.set(key, { tokens, updatedAt: now });
    const missing = cost > this.#capacity ? this.#capacity : cost - tokens;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(missing / this.#perMs / 1000)) };
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
