import { describe, expect, test } from "bun:test";
import { TokenBucketRateLimiter } from "../../src/adapters/shared/rate-limiter.ts";
import { ConfigError, loadConfig } from "../../src/app/config.ts";

function clock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("TokenBucketRateLimiter", () => {
  test("a fresh key may burst its minute's budget, then waits for the next token", () => {
    const time = clock();
    const limiter = new TokenBucketRateLimiter({ perMinute: 6, now: time.now });
    for (let i = 0; i < 6; i += 1) expect(limiter.take("k")).toEqual({ allowed: true });
    // Six a minute: one token every 10 s.
    expect(limiter.take("k")).toEqual({ allowed: false, retryAfterSeconds: 10 });
    time.advance(4_000);
    expect(limiter.take("k")).toEqual({ allowed: false, retryAfterSeconds: 6 });
    time.advance(6_000);
    expect(limiter.take("k")).toEqual({ allowed: true });
    expect(limiter.take("k")).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });

  test("keys have separate budgets; a refused request spends nothing", () => {
    const time = clock();
    const limiter = new TokenBucketRateLimiter({ perMinute: 2, now: time.now });
    expect(limiter.take("a").allowed).toBe(true);
    expect(limiter.take("a").allowed).toBe(true);
    for (let i = 0; i < 10; i += 1) expect(limiter.take("a").allowed).toBe(false);
    expect(limiter.take("b").allowed).toBe(true);
    time.advance(30_000);
    expect(limiter.take("a").allowed).toBe(true);
  });

  test("never more than a minute's budget is saved up", () => {
    const time = clock();
    const limiter = new TokenBucketRateLimiter({ perMinute: 3, now: time.now });
    limiter.take("k");
    time.advance(3_600_000);
    const allowed = Array.from({ length: 10 }, () => limiter.take("k").allowed).filter(Boolean);
    expect(allowed).toHaveLength(3);
  });

  test("a cost spends that many tokens, all or none; more than the whole budget never passes", () => {
    const time = clock();
    const limiter = new TokenBucketRateLimiter({ perMinute: 6, now: time.now });
    expect(limiter.take("k", 4)).toEqual({ allowed: true });
    // Two left: a cost of three is refused, spends nothing, and waits for the one missing token.
    expect(limiter.take("k", 3)).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(limiter.take("k", 2)).toEqual({ allowed: true });
    time.advance(60_000);
    expect(limiter.take("k", 7)).toEqual({ allowed: false, retryAfterSeconds: 60 });
    expect(limiter.take("k", 6)).toEqual({ allowed: true });
  });

  test("0 disables it", () => {
    const limiter = new TokenBucketRateLimiter({ perMinute: 0 });
    expect(limiter.enabled).toBe(false);
    for (let i = 0; i < 1000; i += 1) expect(limiter.take("k").allowed).toBe(true);
  });

  test("memory stays bounded under many keys; a busy key keeps its state while there is room", () => {
    const time = clock();
    const limiter = new TokenBucketRateLimiter({ perMinute: 1, now: time.now, maxKeys: 100 });
    limiter.take("busy");
    expect(limiter.take("busy").allowed).toBe(false);
    for (let i = 0; i < 50; i += 1) limiter.take(`other-${i}`);
    expect(limiter.take("busy").allowed).toBe(false);
    expect(limiter.trackedKeys).toBe(51);
    // 10,000 one-off keys: the map is pruned, never grown past maxKeys.
    for (let i = 0; i < 10_000; i += 1) {
      limiter.take(`flood-${i}`);
      expect(limiter.trackedKeys).toBeLessThanOrEqual(100);
    }
    // A minute later every bucket is full again, so the next pruning drops them all.
    time.advance(60_000);
    for (let i = 0; i < 20; i += 1) limiter.take(`late-${i}`);
    expect(limiter.trackedKeys).toBeLessThanOrEqual(20);
  });
});

describe("rate limit configuration", () => {
  const base = { GOOGLE_OAUTH_CLIENT_ID: "id", GOOGLE_OAUTH_CLIENT_SECRET: "secret" };

  test("defaults: 120 tool calls per customer, 3000 requests per API key, a minute", () => {
    const config = loadConfig(base);
    expect(config.server.rateLimitPerCustomer).toBe(120);
    expect(config.server.rateLimitPerApiKey).toBe(3000);
  });

  test("0 is accepted (disabled); a negative or non-number is refused naming the variable", () => {
    const off = loadConfig({
      ...base,
      CALENDAR_SERVER_RATE_LIMIT_PER_CUSTOMER: "0",
      CALENDAR_SERVER_RATE_LIMIT_PER_API_KEY: "0",
    });
    expect(off.server.rateLimitPerCustomer).toBe(0);
    expect(off.server.rateLimitPerApiKey).toBe(0);
    expect(() => loadConfig({ ...base, CALENDAR_SERVER_RATE_LIMIT_PER_CUSTOMER: "-1" })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, CALENDAR_SERVER_RATE_LIMIT_PER_API_KEY: "lots" })).toThrow(
      "CALENDAR_SERVER_RATE_LIMIT_PER_API_KEY",
    );
  });

  test("concurrent tool calls: 32 by default; at least 1 (0 cannot mean unbounded)", () => {
    expect(loadConfig(base).server.maxConcurrentToolCalls).toBe(32);
    const set = loadConfig({ ...base, CALENDAR_SERVER_MAX_CONCURRENT_CALLS: "4" });
    expect(set.server.maxConcurrentToolCalls).toBe(4);
    expect(() => loadConfig({ ...base, CALENDAR_SERVER_MAX_CONCURRENT_CALLS: "0" })).toThrow(
      "CALENDAR_SERVER_MAX_CONCURRENT_CALLS",
    );
  });
});
