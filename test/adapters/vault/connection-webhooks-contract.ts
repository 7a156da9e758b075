import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { ResealableVault } from "../../../src/adapters/vault/resealable-vault.ts";
import { NotificationWebhooks } from "../../../src/adapters/webhooks/notification-webhooks.ts";
import type { WebhookOutbox } from "../../../src/adapters/webhooks/webhook-outbox.ts";
import type { CustomerId } from "../../../src/domain/customer-id.ts";
import { isDomainError } from "../../../src/domain/errors.ts";
import type { Notification } from "../../../src/domain/notification.ts";
import type { TokenVault } from "../../../src/domain/ports/token-vault.ts";
import { id, sampleConnection } from "./vault-fixtures.ts";

/** One store (a database, a directory) holding both the connections and the webhook outbox. */
export interface ConnectionWebhooksHarness {
  /** A vault over this store; webhooks are on when `webhooks` is given. */
  openVault(webhooks?: NotificationWebhooks): Promise<TokenVault & ResealableVault>;
  /** The store's webhook outbox. */
  openOutbox(): Promise<WebhookOutbox>;
  /** From now on storing a webhook fails, inside the write's step. */
  failWebhookWrites(): Promise<void>;
  /** From now on writing (or deleting) a connection fails, inside the write's step. */
  failConnectionWrites(): Promise<void>;
  cleanup(): Promise<void>;
}

const connected = (customerId: CustomerId, email: string): Notification => ({
  type: "connection.connected",
  customerId,
  occurredAt: new Date("2026-03-01T10:00:00Z"),
  email,
  scopes: ["openid"],
});

const disconnected = (customerId: CustomerId): Notification => ({
  type: "connection.disconnected",
  customerId,
  occurredAt: new Date("2026-03-01T11:00:00Z"),
});

/** Far enough ahead that nothing is too young to settle or not yet due. */
const later = (): Date => new Date(Date.now() + 60_000);

async function storageUnavailable(work: Promise<unknown>): Promise<void> {
  const error = await work.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(isDomainError(error, "storage_unavailable")).toBe(true);
}

/**
 * A connection write and the webhook of its notification are one step: both kept or neither.
 * Call once per store.
 */
export function describeConnectionWebhooksContract(
  name: string,
  makeHarness: () => Promise<ConnectionWebhooksHarness>,
): void {
  describe(`${name}: a connection write and its webhook in one step`, () => {
    let harness: ConnectionWebhooksHarness;
    let webhooks: NotificationWebhooks;
    let heard: number;
    const alice = id("alice");

    beforeEach(async () => {
      harness = await makeHarness();
      webhooks = new NotificationWebhooks({ maxAgeMs: 3_600_000 });
      heard = 0;
      webhooks.onRecorded(() => {
        heard += 1;
      });
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    /** What the outbox holds (type, customer, what the body says), sorted: one millisecond orders nothing. */
    async function sent(): Promise<Array<[string, string, unknown]>> {
      const outbox = await harness.openOutbox();
      const claimed = await outbox.claim(later(), 100, "contract", new Date(Date.now() + 120_000));
      return claimed
        .map((webhook): [string, string, unknown] => [
          webhook.type,
          webhook.customerId,
          (JSON.parse(webhook.body) as { data: unknown }).data,
        ])
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    }

    test("put, update and delete store their notification's webhook only when they write", async () => {
      const vault = await harness.openVault(webhooks);
      await vault.put(sampleConnection(alice), { notify: connected(alice, "one@example.com") });
      expect(
        await vault.update(sampleConnection(alice), { notify: connected(alice, "two@example.com") }),
      ).toBe(true);
      expect(
        await vault.update(sampleConnection(id("nobody")), { notify: connected(id("nobody"), "x") }),
      ).toBe(false);
      expect(await vault.delete(alice, { notify: disconnected(alice) })).toBe(true);
      expect(await vault.delete(alice, { notify: disconnected(alice) })).toBe(false);
      await vault.put(sampleConnection(alice));
      expect(await sent()).toEqual([
        ["connection.connected", "alice", { email: "one@example.com", scopes: ["openid"] }],
        ["connection.connected", "alice", { email: "two@example.com", scopes: ["openid"] }],
        ["connection.disconnected", "alice", {}],
      ]);
      expect(heard).toBe(3);
    });

    test("with webhooks off a notification is not stored", async () => {
      const vault = await harness.openVault();
      await vault.put(sampleConnection(alice), { notify: connected(alice, "a@example.com") });
      expect(await vault.delete(alice, { notify: disconnected(alice) })).toBe(true);
      expect(await (await harness.openOutbox()).list(10)).toEqual([]);
    });

    test("a webhook that cannot be stored fails the write: neither is kept", async () => {
      const vault = await harness.openVault(webhooks);
      const before = sampleConnection(alice, { email: "before@example.com" });
      await vault.put(before);
      await harness.failWebhookWrites();
      const after = sampleConnection(alice, { email: "after@example.com" });
      await storageUnavailable(vault.put(after, { notify: connected(alice, "after@example.com") }));
      await storageUnavailable(vault.update(after, { notify: connected(alice, "after@example.com") }));
      await storageUnavailable(vault.delete(alice, { notify: disconnected(alice) }));
      expect(await (await harness.openVault()).get(alice)).toEqual(before);
      expect(await sent()).toEqual([]);
      expect(heard).toBe(0);
    });

    test("a connection write that fails stores no webhook", async () => {
      const vault = await harness.openVault(webhooks);
      const before = sampleConnection(alice, { email: "before@example.com" });
      await vault.put(before);
      await harness.failConnectionWrites();
      const after = sampleConnection(alice, { email: "after@example.com" });
      await storageUnavailable(vault.put(after, { notify: connected(alice, "after@example.com") }));
      await storageUnavailable(vault.update(after, { notify: connected(alice, "after@example.com") }));
      await storageUnavailable(vault.delete(alice, { notify: disconnected(alice) }));
      expect(await (await harness.openVault()).get(alice)).toEqual(before);
      expect(await sent()).toEqual([]);
      expect(heard).toBe(0);
    });
  });
}
