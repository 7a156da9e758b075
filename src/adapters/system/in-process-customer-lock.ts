import type { CustomerId } from "../../domain/customer-id.ts";
import {
  ALWAYS_HELD,
  type CustomerLock,
  type HeldLock,
  type LockPurpose,
} from "../../domain/ports/customer-lock.ts";

/**
 * Per-customer mutual exclusion inside one process: each key holds the tail of a promise
 * chain. Enough for a single instance; several instances need the PostgreSQL lock.
 */
export class InProcessCustomerLock implements CustomerLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  async withLock<T>(
    customerId: CustomerId,
    purpose: LockPurpose,
    work: (held: HeldLock) => Promise<T>,
  ): Promise<T> {
    const key = `${purpose}:${customerId}`;
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const held = (): Promise<T> => work(ALWAYS_HELD);
    const run = previous.then(held, held);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    try {
      return await run;
    } finally {
      // Forget the key once nobody queued behind us, so the map does not grow per customer.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
