import { describe, expect, test } from "bun:test";
import { reconcile, SyncQueue } from "../../src/app/change-tracking.ts";
import { type CustomerId, parseCustomerId } from "../../src/domain/customer-id.ts";
import { DomainError } from "../../src/domain/errors.ts";
import { aConnection } from "../domain/connection-fixtures.ts";
import { InMemoryTrackedCalendars } from "../fakes/in-memory-change-tracking.ts";
import { InMemoryTokenVault } from "../fakes/in-memory-token-vault.ts";

const id = parseCustomerId;

describe("reconcile", () => {
  test("follows every stored customer nobody follows, and goes on past one that must reconnect", async () => {
    const vault = new InMemoryTokenVault();
    for (const customer of ["a-1", "b-2", "c-3"]) await vault.put(aConnection({ customerId: id(customer) }));
    const tracked = new InMemoryTrackedCalendars();
    await tracked.put({
      customerId: id("b-2"),
      calendarId: "primary",
      syncToken: null,
      seen: {},
      channel: null,
      checkedAt: new Date(),
    });
    const asked: string[] = [];
    const failures: string[] = [];
    const begun = await reconcile(
      { vault, tracked },
      {
        ensure: async (customerId) => {
          asked.push(customerId);
          if (customerId === "a-1") throw new DomainError("reauthorization_required", "reconnect");
          return true;
        },
      },
      (what, customerId) => () => failures.push(`${what} ${customerId}`),
    );
    expect(asked.sort()).toEqual(["a-1", "c-3"]);
    expect(begun).toBe(1);
    expect(failures).toEqual(["reconcile a-1"]);
  });
});

describe("SyncQueue", () => {
  test("one run at a time per customer; a burst while it runs folds into one more run", async () => {
    const runs: string[] = [];
    let release: () => void = () => undefined;
    const queue = new SyncQueue(
      async (customerId: CustomerId) => {
        runs.push(customerId);
        if (runs.length === 1) await new Promise<void>((resolve) => (release = resolve));
      },
      () => undefined,
    );
    queue.schedule(id("a-1"));
    for (let n = 0; n < 10; n += 1) queue.schedule(id("a-1"));
    queue.schedule(id("b-2"));
    await Bun.sleep(10);
    expect(runs).toEqual(["a-1", "b-2"]);
    release();
    await queue.idle();
    expect(runs).toEqual(["a-1", "b-2", "a-1"]);
  });
});
