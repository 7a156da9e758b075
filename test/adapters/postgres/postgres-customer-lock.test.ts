import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { PostgresCustomerLock } from "../../../src/adapters/postgres/postgres-customer-lock.ts";
import { PostgresTokenVault } from "../../../src/adapters/postgres/postgres-token-vault.ts";
import { RecordSealer } from "../../../src/adapters/vault/record-sealer.ts";
import type { CustomerId } from "../../../src/domain/customer-id.ts";
import { DomainError } from "../../../src/domain/errors.ts";
import { id, newKeys, sampleConnection } from "../vault/vault-fixtures.ts";
import { SchemaScope, storageUnavailable } from "./postgres-fixtures.ts";

/** Counts holders per key; a second holder of one key at once is a broken lock. */
class Occupancy {
  readonly #inside = new Map<string, number>();
  maxInside = 0;
  entered = 0;

  async hold<T>(key: string, work: () => Promise<T>): Promise<T> {
    const now = (this.#inside.get(key) ?? 0) + 1;
    this.#inside.set(key, now);
    this.maxInside = Math.max(this.maxInside, now);
    this.entered += 1;
    try {
      return await work();
    } finally {
      this.#inside.set(key, (this.#inside.get(key) ?? 1) - 1);
    }
  }
}

/** A promise the test resolves by hand. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe("PostgresCustomerLock", () => {
  let scope: SchemaScope;
  beforeEach(() => {
    scope = new SchemaScope();
  });
  afterEach(async () => {
    await scope.cleanup();
  });

  test("two instances (separate pools) never hold one customer's lock together", async () => {
    const [a, b] = [
      new PostgresCustomerLock(await scope.open()),
      new PostgresCustomerLock(await scope.open()),
    ];
    const occupancy = new Occupancy();
    const alice = id("alice");
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        (index % 2 === 0 ? a : b).withLock(alice, "token", () =>
          occupancy.hold("alice", async () => {
            await Bun.sleep(2);
            order.push(index);
          }),
        ),
      ),
    );
    expect(occupancy.maxInside).toBe(1);
    expect(order.toSorted((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, index) => index));
  });

  test("other customers and the other purpose do not wait for a held lock", async () => {
    const [a, b] = [
      new PostgresCustomerLock(await scope.open()),
      new PostgresCustomerLock(await scope.open()),
    ];
    const release = gate();
    const held = a.withLock(id("alice"), "token", () => release.opened);
    // Each of these finishes only if it runs while alice's token lock is held (on another instance).
    expect(await b.withLock(id("bob"), "token", async () => "bob")).toBe("bob");
    expect(await b.withLock(id("alice"), "booking", async () => "booking")).toBe("booking");
    release.open();
    await held;
  });

  test("200 concurrent callers over two instances with tiny pools all finish, one holder per key", async () => {
    // Two vault connections and two lock connections per purpose: far fewer than the callers.
    const tiny = { maxConnections: 2, maxLockConnections: 2 };
    const instances = await Promise.all([scope.open(tiny), scope.open(tiny)]);
    const keys = newKeys();
    const locks = instances.map((db) => new PostgresCustomerLock(db));
    const vaults = instances.map((db) => new PostgresTokenVault(db, new RecordSealer(keys)));
    const customers = ["alice", "bob", "carol", "dave", "erin"].map(id);
    for (const customer of customers)
      await vaults[0]?.put(sampleConnection(customer, { email: "n0@example.com" }));
    const occupancy = new Occupancy();

    // A booking holds its lock, reads and writes through the vault pool, and takes the token lock
    // inside (as a refresh during a booking does): the nesting that could starve a shared pool.
    const call = async (index: number): Promise<void> => {
      const lock = locks[index % 2] as PostgresCustomerLock;
      const vault = vaults[index % 2] as PostgresTokenVault;
      const customer = customers[index % customers.length] as CustomerId;
      await lock.withLock(customer, "booking", () =>
        occupancy.hold(`booking:${customer}`, async () => {
          const current = await vault.get(customer);
          await lock.withLock(customer, "token", () =>
            occupancy.hold(`token:${customer}`, async () => {
              const count = Number(current?.email?.match(/^n(\d+)@/)?.[1] ?? "0");
              await vault.put(sampleConnection(customer, { email: `n${count + 1}@example.com` }));
            }),
          );
        }),
      );
    };
    await Promise.all(Array.from({ length: 200 }, (_, index) => call(index)));

    expect(occupancy.entered).toBe(400);
    expect(occupancy.maxInside).toBe(1);
    // Every read-increment-write ran alone: no update was lost, on either instance.
    for (const customer of customers) expect((await vaults[1]?.get(customer))?.email).toBe("n40@example.com");
  });

  test("the work's error passes through unchanged and the lock is free again", async () => {
    const lock = new PostgresCustomerLock(await scope.open());
    const refused = new DomainError("reauthorization_required", "must reconnect");
    const error = await lock
      .withLock(id("alice"), "token", () => Promise.reject(refused))
      .catch((caught) => caught);
    expect(error).toBe(refused);
    const other = new PostgresCustomerLock(await scope.open());
    expect(await other.withLock(id("alice"), "token", async () => 42)).toBe(42);
  });

  test("waiting longer than lockWaitTimeoutMs is storage_unavailable; the holder is unaffected", async () => {
    const holder = new PostgresCustomerLock(await scope.open());
    const waiter = new PostgresCustomerLock(await scope.open({ lockWaitTimeoutMs: 200 }));
    const release = gate();
    const entered = gate();
    const held = holder.withLock(id("alice"), "booking", async () => {
      entered.open();
      await release.opened;
      return "held";
    });
    await entered.opened;
    const message = await storageUnavailable(() =>
      waiter.withLock(id("alice"), "booking", async () => "never"),
    );
    expect(message).toContain("booking lock");
    release.open();
    expect(await held).toBe("held");
    expect(await waiter.withLock(id("alice"), "booking", async () => "later")).toBe("later");
  });

  test("a lock connection killed while the work runs: the work runs once, its result comes back, the next lock works", async () => {
    const applicationName = `lock-kill-${scope.schema}`;
    const lock = new PostgresCustomerLock(await scope.open({ applicationName }));
    let runs = 0;
    const result = await lock.withLock(id("alice"), "token", async () => {
      runs += 1;
      const killed = await scope.admin`
        SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ${`${applicationName}:token-lock`}`;
      expect(killed.length).toBeGreaterThan(0);
      // Still working after the lock connection is gone (a Google call in flight, say).
      await Bun.sleep(50);
      return "done";
    });
    expect(result).toBe("done");
    expect(runs).toBe(1);
    const failure = new DomainError("google_unavailable", "Google failed");
    const failed = lock.withLock(id("alice"), "token", async () => {
      runs += 1;
      await scope.admin`
        SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ${`${applicationName}:token-lock`}`;
      await Bun.sleep(50);
      throw failure;
    });
    expect(await failed.catch((caught: unknown) => caught)).toBe(failure);
    expect(runs).toBe(2);
    expect(await lock.withLock(id("alice"), "token", async () => "again")).toBe("again");
  });
});
