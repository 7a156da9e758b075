import type { PendingAuthorization } from "../../src/domain/connection.ts";
import {
  MAX_PENDING_PER_CUSTOMER,
  type PendingAuthorizations,
} from "../../src/domain/ports/pending-authorizations.ts";

export class InMemoryPendingAuthorizations implements PendingAuthorizations {
  readonly #byState = new Map<string, PendingAuthorization>();

  async save(pending: PendingAuthorization): Promise<void> {
    this.#byState.set(pending.state, { ...pending });
    const others = [...this.#byState.values()]
      .filter((entry) => entry.customerId === pending.customerId && entry.state !== pending.state)
      .sort((a, b) => b.expiresAt.getTime() - a.expiresAt.getTime());
    for (const old of others.slice(MAX_PENDING_PER_CUSTOMER - 1)) this.#byState.delete(old.state);
  }

  async take(state: string): Promise<PendingAuthorization | null> {
    const found = this.#byState.get(state);
    this.#byState.delete(state);
    return found ?? null;
  }

  async purgeExpired(now: Date): Promise<number> {
    let dropped = 0;
    for (const [state, pending] of this.#byState) {
      if (pending.expiresAt.getTime() <= now.getTime()) {
        this.#byState.delete(state);
        dropped += 1;
      }
    }
    return dropped;
  }
}
