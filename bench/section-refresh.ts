import { burst, type LoadResult } from "./load.ts";
import { range } from "./section-mcp.ts";
import type { SeededCustomer } from "./seed.ts";
import type { RunningTarget, Stack } from "./stack.ts";
import { ratio, round } from "./stats.ts";

/**
 * Section 2: many calls needing one customer's expired token at the same moment. Each storm is
 * compared with the same burst of calls made with fresh tokens, in the same run, on the same
 * server; refreshes are counted by the emulator (one per customer is the only right answer).
 */

export interface RefreshSizes {
  /** Concurrent calls for the single customer. */
  oneCustomerCalls: number;
  customers: number;
  callsPerCustomer: number;
}

export interface StormFigures {
  customers: number;
  calls: number;
  /** Refresh grants the emulator answered during the storm. */
  refreshes: number;
  /** Customers refreshed exactly once; should equal `customers`. */
  customersRefreshedOnce: number;
  /** The most refreshes any one customer got. */
  maxRefreshesPerCustomer: number;
  errors: number;
  /** Burst start until its last call answered, ms: with expired tokens; with fresh ones (mean of the bursts just before and just after). */
  expiredMs: number;
  freshMs: number;
  /** expiredMs / freshMs. */
  timeRatio: number;
}

export interface RefreshSection {
  sizes: RefreshSizes;
  oneCustomer: StormFigures;
  manyCustomers: StormFigures;
}

const DAY = 86_400_000;

export async function benchRefreshStorm(
  stack: Stack,
  sizes: RefreshSizes,
  log: (line: string) => void,
): Promise<RefreshSection> {
  const [single] = await stack.connect(["storm-one"]);
  if (single === undefined) throw new Error("no customer was connected");
  const many = await stack.connect(range(sizes.customers, (k) => `storm-${k}`));
  const server = await stack.start("ours");
  try {
    // Warm the server up on other customers' calls, so neither burst pays for a cold JIT.
    const warm = await stack.connect(range(20, (k) => `storm-warm-${k}`));
    await burst(400, (index) => listEvents(server, warm[index % warm.length] as SeededCustomer));

    const oneCustomer = await storm(stack, server, [single], sizes.oneCustomerCalls);
    log(`  1 customer x ${sizes.oneCustomerCalls} calls: ${describe(oneCustomer)}`);
    const manyCustomers = await storm(stack, server, many, sizes.callsPerCustomer);
    log(`  ${sizes.customers} customers x ${sizes.callsPerCustomer} calls: ${describe(manyCustomers)}`);
    return { sizes, oneCustomer, manyCustomers };
  } finally {
    await server.process.stop();
  }
}

/** A fresh burst (tokens valid), the same burst after every token expired, and a fresh one again. */
async function storm(
  stack: Stack,
  server: RunningTarget,
  customers: SeededCustomer[],
  callsPerCustomer: number,
): Promise<StormFigures> {
  const calls = customers.length * callsPerCustomer;
  const call = (index: number) => listEvents(server, customers[index % customers.length] as SeededCustomer);
  const fresh = await burst(calls, call);

  // Expired on both sides, as time would do it: in our store, and at Google (these customers only).
  stack.expire(customers);
  for (let offset = 0; offset < customers.length; offset += 50) {
    await Promise.all(customers.slice(offset, offset + 50).map((c) => stack.emulator.expireTokens(c.email)));
  }
  await stack.emulator.resetCounters();
  const expired = await burst(calls, call);
  const stats = await stack.emulator.stats();
  const freshAgain = await burst(calls, call);
  const freshMs = (fresh.elapsedMs + freshAgain.elapsedMs) / 2;

  const counts = customers.map((customer) => stats.refreshesByEmail[customer.email] ?? 0);
  return {
    customers: customers.length,
    calls,
    refreshes: stats.refreshes,
    customersRefreshedOnce: counts.filter((count) => count === 1).length,
    maxRefreshesPerCustomer: Math.max(0, ...counts),
    errors: fresh.errors + expired.errors + freshAgain.errors,
    expiredMs: elapsed(expired),
    freshMs: round(freshMs, 1),
    timeRatio: ratio(expired.elapsedMs, freshMs),
  };
}

async function listEvents(server: RunningTarget, customer: SeededCustomer): Promise<boolean> {
  const day = Math.floor(Date.now() / DAY) * DAY + 40 * DAY;
  const answer = await server.mcp.call("list_events", {
    customer_id: customer.customerId,
    time_min: new Date(day).toISOString(),
    time_max: new Date(day + DAY).toISOString(),
  });
  return answer.ok;
}

function elapsed(result: LoadResult): number {
  return round(result.elapsedMs, 1);
}

function describe(figures: StormFigures): string {
  return (
    `${figures.refreshes} refreshes (${figures.customersRefreshedOnce}/${figures.customers} customers exactly once), ` +
    `${figures.expiredMs} ms vs ${figures.freshMs} ms fresh (x${figures.timeRatio}), ${figures.errors} errors`
  );
}
