import type { PendingAuthorization } from "../../src/domain/connection.ts";
import type { PendingAuthorizations } from "../../src/domain/ports/pending-authorizations.ts";

export class InMemoryPendingAuthorizations implements PendingAuthorizations {
  readonly #byState = new Map<string, PendingAuthorization>();

  async save(pending: PendingAuthorization): Promise<void> {
    this.#byState.set(pending.state, { ...pending });
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
