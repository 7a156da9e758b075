import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { EncryptionKeys } from "../../../src/adapters/vault/encryption-keys.ts";
import {
  MAX_PENDING_PER_CUSTOMER,
  type PendingAuthorizations,
} from "../../../src/domain/ports/pending-authorizations.ts";
import type { MakeTokenVaultHarness, TokenVaultHarness } from "./token-vault-contract.ts";
import { id, newKeys, samplePending } from "./vault-fixtures.ts";

/** Pending authorizations over the harness's store; describeTokenVaultContract runs it too. */
export function describePendingAuthorizationsContract(
  name: string,
  makeHarness: MakeTokenVaultHarness,
): void {
  describe(`${name}: PendingAuthorizations contract`, () => {
    let harness: TokenVaultHarness;
    let keys: EncryptionKeys;
    let pending: PendingAuthorizations;
    const alice = id("alice");
    const inTenMinutes = (): Date => new Date(Date.now() + 600_000);

    beforeEach(async () => {
      harness = await makeHarness();
      keys = newKeys();
      pending = await harness.openPendingAuthorizations(keys);
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    test("save then take gives it back once", async () => {
      const started = samplePending(alice, new Date("2030-01-01T00:10:00.250Z"));
      await pending.save(started);
      const taken = await pending.take(started.state);
      expect(taken).toEqual(started);
      expect(taken?.expiresAt).toBeInstanceOf(Date);
      expect(await pending.take(started.state)).toBeNull();
    });

    test("an unknown state gives null", async () => {
      await pending.save(samplePending(alice, inTenMinutes()));
      expect(await pending.take("no-such-state")).toBeNull();
    });

    test("purgeExpired drops only expired entries and counts them", async () => {
      const now = new Date();
      const expired = [
        samplePending(alice, new Date(now.getTime() - 1000)),
        samplePending(alice, new Date(now.getTime() - 60_000)),
      ];
      const live = samplePending(alice, new Date(now.getTime() + 60_000));
      for (const entry of [...expired, live]) await pending.save(entry);
      expect(await pending.purgeExpired(now)).toBe(2);
      expect(await pending.take(expired[0]?.state as string)).toBeNull();
      expect(await pending.take(live.state)).toEqual(live);
      expect(await pending.purgeExpired(now)).toBe(0);
    });

    test("a customer keeps only the newest MAX_PENDING_PER_CUSTOMER; other customers are untouched", async () => {
      const bob = samplePending(id("bob"), inTenMinutes());
      await pending.save(bob);
      const base = Date.now() + 600_000;
      const started = [];
      for (let index = 0; index < MAX_PENDING_PER_CUSTOMER + 5; index += 1) {
        const entry = {
          ...samplePending(alice, new Date(base + index * 1000)),
          expectedEmail: "ana@example.com",
        };
        started.push(entry);
        await pending.save(entry);
      }
      for (const old of started.slice(0, 5)) expect(await pending.take(old.state)).toBeNull();
      for (const kept of started.slice(5)) expect(await pending.take(kept.state)).toEqual(kept);
      expect(await pending.take(bob.state)).toEqual(bob);
    });

    test("of concurrent takes of one state, across two store instances, exactly one wins", async () => {
      const other = await harness.openPendingAuthorizations(keys);
      const started = samplePending(alice, inTenMinutes());
      await pending.save(started);
      const takers = Array.from({ length: 10 }, (_, index) =>
        (index % 2 === 0 ? pending : other).take(started.state),
      );
      const results = await Promise.all(takers);
      expect(results.filter((result) => result !== null)).toEqual([started]);
    });
  });
}
