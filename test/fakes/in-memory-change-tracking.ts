import type { CustomerId } from "../../src/domain/customer-id.ts";
import type { OwnWrites, TrackedCalendar, TrackedCalendars } from "../../src/domain/ports/change-tracking.ts";

export class InMemoryTrackedCalendars implements TrackedCalendars {
  readonly #byCustomer = new Map<CustomerId, TrackedCalendar>();

  async get(customerId: CustomerId): Promise<TrackedCalendar | null> {
    const found = this.#byCustomer.get(customerId);
    return found === undefined ? null : structuredClone(found);
  }

  async put(tracked: TrackedCalendar): Promise<void> {
    this.#byCustomer.set(tracked.customerId, structuredClone(tracked));
  }

  async delete(customerId: CustomerId): Promise<boolean> {
    return this.#byCustomer.delete(customerId);
  }

  async findByChannel(channelId: string): Promise<CustomerId | null> {
    return [...this.#byCustomer.values()].find((t) => t.channel?.id === channelId)?.customerId ?? null;
  }

  async channelsExpiringBefore(before: Date): Promise<CustomerId[]> {
    return [...this.#byCustomer.values()]
      .filter((t) => t.channel === null || t.channel.expiration.getTime() < before.getTime())
      .map((t) => t.customerId);
  }

  async customerIds(): Promise<CustomerId[]> {
    return [...this.#byCustomer.keys()].sort();
  }
}

export class InMemoryOwnWrites implements OwnWrites {
  readonly #keys = new Set<string>();

  async remember(eventId: string, stamp: string): Promise<void> {
    this.#keys.add(`${eventId}\0${stamp}`);
  }

  async has(eventId: string, stamp: string): Promise<boolean> {
    return this.#keys.has(`${eventId}\0${stamp}`);
  }
}
