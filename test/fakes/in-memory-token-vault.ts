import { openConnection, sealConnection } from "../../src/adapters/vault/connection-codec.ts";
import type { RecordSealer } from "../../src/adapters/vault/record-sealer.ts";
import type { ResealableVault, ResealOutcome } from "../../src/adapters/vault/resealable-vault.ts";
import type { Connection } from "../../src/domain/connection.ts";
import type { CustomerId } from "../../src/domain/customer-id.ts";
import type { Notification } from "../../src/domain/notification.ts";
import type { TokenVault, VaultWriteOptions } from "../../src/domain/ports/token-vault.ts";

/**
 * Connections in a Map, copied in and out so callers never share state with the store.
 *
 * Without a sealer it keeps plain clones (domain tests). With one it keeps sealed records exactly
 * as the durable vaults do, so the vault contract suite (tamper, swap, keys) runs on it too;
 * pass the same `records` map to several instances to give them one shared store.
 * Notifications that go with writes are kept in `notified`, in order (as webhooks on would).
 */
export class InMemoryTokenVault implements TokenVault, ResealableVault {
  readonly notified: Notification[] = [];
  readonly #plain = new Map<CustomerId, Connection>();
  readonly #sealer: RecordSealer | undefined;
  readonly #sealed: Map<string, Uint8Array>;

  constructor(sealer?: RecordSealer, records: Map<string, Uint8Array> = new Map()) {
    this.#sealer = sealer;
    this.#sealed = records;
  }

  async get(customerId: CustomerId): Promise<Connection | null> {
    if (this.#sealer === undefined) {
      const found = this.#plain.get(customerId);
      return found === undefined ? null : structuredClone(found);
    }
    const raw = this.#sealed.get(customerId);
    return raw === undefined ? null : openConnection(this.#sealer, customerId, raw).connection;
  }

  async put(connection: Connection, options: VaultWriteOptions = {}): Promise<void> {
    if (this.#sealer === undefined) {
      this.#plain.set(connection.customerId, structuredClone(connection));
    } else {
      this.#sealed.set(connection.customerId, sealConnection(this.#sealer, connection));
    }
    this.#notify(options);
  }

  async update(connection: Connection, options: VaultWriteOptions = {}): Promise<boolean> {
    const present =
      this.#sealer === undefined
        ? this.#plain.has(connection.customerId)
        : this.#sealed.has(connection.customerId);
    if (present) await this.put(connection, options);
    return present;
  }

  async delete(customerId: CustomerId, options: VaultWriteOptions = {}): Promise<boolean> {
    const deleted =
      this.#sealer === undefined ? this.#plain.delete(customerId) : this.#sealed.delete(customerId);
    if (deleted) this.#notify(options);
    return deleted;
  }

  #notify(options: VaultWriteOptions): void {
    if (options.notify !== undefined) this.notified.push(structuredClone(options.notify));
  }

  async *listCustomerIds(): AsyncIterable<CustomerId> {
    const ids = this.#sealer === undefined ? this.#plain.keys() : this.#sealed.keys();
    yield* [...ids] as CustomerId[];
  }

  /** Runs without awaiting, so nothing in this process can interleave with it. */
  async reseal(customerId: CustomerId): Promise<ResealOutcome> {
    if (this.#sealer === undefined) return this.#plain.has(customerId) ? "current" : "missing";
    const raw = this.#sealed.get(customerId);
    if (raw === undefined) return "missing";
    const opened = openConnection(this.#sealer, customerId, raw);
    if (opened.sealedWithCurrentKey) return "current";
    this.#sealed.set(customerId, sealConnection(this.#sealer, opened.connection));
    return "resealed";
  }
}
