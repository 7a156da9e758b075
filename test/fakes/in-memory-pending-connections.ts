import type { PendingConnection, PendingConnections } from "../../src/domain/ports/pending-connections.ts";

export class InMemoryPendingConnections implements PendingConnections {
  readonly #byCode = new Map<string, PendingConnection>();

  async save(pending: PendingConnection): Promise<void> {
    this.#byCode.set(pending.connectCode, structuredClone(pending));
  }

  async take(connectCode: string): Promise<PendingConnection | null> {
    const found = this.#byCode.get(connectCode);
    this.#byCode.delete(connectCode);
    return found ?? null;
  }

  async takeExpired(now: Date): Promise<PendingConnection[]> {
    const expired = [...this.#byCode.values()].filter((entry) => entry.expiresAt.getTime() <= now.getTime());
    for (const entry of expired) this.#byCode.delete(entry.connectCode);
    return expired;
  }

  get size(): number {
    return this.#byCode.size;
  }
}
