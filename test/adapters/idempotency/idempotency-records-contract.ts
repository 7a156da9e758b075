import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { EncryptionKeys } from "../../../src/adapters/vault/encryption-keys.ts";
import { type CustomerId, parseCustomerId } from "../../../src/domain/customer-id.ts";
import { differingArguments } from "../../../src/domain/idempotency-key.ts";
import type {
  ClaimOutcome,
  IdempotencyRecord,
  IdempotencyRecords,
} from "../../../src/domain/ports/idempotency-records.ts";
import { contains, newKeys } from "../vault/vault-fixtures.ts";
import { domainErrorCode, type MakeIdempotencyHarness, sampleClaim } from "./idempotency-fixtures.ts";

const ROUNDS = 20;

function won(outcome: ClaimOutcome): IdempotencyRecord {
  if (!outcome.claimed) throw new Error("expected the claim to win");
  return outcome.record;
}

function lost(outcome: ClaimOutcome): IdempotencyRecord {
  if (outcome.claimed) throw new Error("expected the claim to find an existing record");
  return outcome.existing;
}

/** The shared IdempotencyRecords contract; call once per store. */
export function describeIdempotencyRecordsContract(name: string, makeHarness: MakeIdempotencyHarness): void {
  describe(`${name}: IdempotencyRecords contract`, () => {
    let harness: Awaited<ReturnType<MakeIdempotencyHarness>>;
    let keys: EncryptionKeys;
    let store: IdempotencyRecords;
    const alice: CustomerId = parseCustomerId("alice");
    const bob: CustomerId = parseCustomerId("Bob:team@example.com");
    const t0 = new Date("2027-02-01T10:00:00.000Z");
    const later = (ms: number): Date => new Date(t0.getTime() + ms);

    beforeEach(async () => {
      harness = await makeHarness();
      keys = newKeys();
      store = await harness.open(keys);
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    test("isRecorded: no before a claim, yes while pending and once completed, no after a release", async () => {
      const claim = sampleClaim(alice, "msg-seen");
      expect(await store.isRecorded(alice, "msg-seen")).toBe(false);
      const record = won(await store.claim(claim, t0));
      expect(await store.isRecorded(alice, "msg-seen")).toBe(true);
      // Another customer's same key is another record.
      expect(await store.isRecorded(bob, "msg-seen")).toBe(false);
      expect(await store.release(record)).toBe(true);
      expect(await store.isRecorded(alice, "msg-seen")).toBe(false);
      const again = won(await store.claim(claim, later(1000)));
      expect(await store.complete(again, "evt1", later(2000))).toBe(true);
      expect(await store.isRecorded(alice, "msg-seen")).toBe(true);
    });

    test("a first claim wins and gives back a pending record with every field, Dates as Dates", async () => {
      const claim = sampleClaim(alice, "msg-1");
      const record = won(await store.claim(claim, t0));
      expect(record).toMatchObject({
        ...claim,
        state: "pending",
        eventId: null,
        createdAt: t0,
        updatedAt: t0,
      });
      expect(record.attempt.length).toBeGreaterThan(0);
      const replay = lost(await store.claim(claim, later(1000)));
      expect(replay).toEqual(record);
      expect(replay.request.start).toBeInstanceOf(Date);
      expect(replay.createdAt).toBeInstanceOf(Date);
    });

    test("complete records the event; a replay gets it; the attempt cannot complete or release twice", async () => {
      const record = won(await store.claim(sampleClaim(alice, "msg-1"), t0));
      expect(await store.complete(record, "evt123", later(500))).toBe(true);
      const replay = lost(await store.claim(sampleClaim(alice, "msg-1"), later(1000)));
      expect(replay).toEqual({ ...record, state: "completed", eventId: "evt123", updatedAt: later(500) });
      expect(await store.complete(record, "evt999", later(2000))).toBe(false);
      expect(await store.release(record)).toBe(false);
      expect(lost(await store.claim(sampleClaim(alice, "msg-1"), later(3000))).eventId).toBe("evt123");
    });

    test("complete refuses an empty event id as invalid_argument", async () => {
      const record = won(await store.claim(sampleClaim(alice, "msg-1"), t0));
      expect(await domainErrorCode(() => store.complete(record, "", t0))).toBe("invalid_argument");
    });

    test("release drops a pending claim, so the key can be claimed again", async () => {
      const first = won(await store.claim(sampleClaim(alice, "msg-1"), t0));
      expect(await store.release(first)).toBe(true);
      expect(await store.release(first)).toBe(false);
      const second = won(await store.claim(sampleClaim(alice, "msg-1"), later(1000)));
      expect(second.attempt).not.toBe(first.attempt);
      expect(second.createdAt).toEqual(later(1000));
    });

    test("a key reused with other arguments gets the first record back, and what differs can be named", async () => {
      const first = won(await store.claim(sampleClaim(alice, "msg-1"), t0));
      const other = sampleClaim(alice, "msg-1", {
        fingerprint: { ...first.fingerprint, start: "d-other-start", attendees: "d-attendees" },
      });
      const existing = lost(await store.claim(other, later(1000)));
      expect(existing).toEqual(first);
      expect(differingArguments(existing.fingerprint, other.fingerprint)).toEqual(["attendees", "start"]);
    });

    test("take-over replaces a dead attempt once; the dead attempt can then neither complete nor release", async () => {
      const dead = won(await store.claim(sampleClaim(alice, "msg-1"), t0));
      const next = won(await store.takeOver(dead, later(60_000)));
      expect(next).toEqual({ ...dead, attempt: next.attempt, updatedAt: later(60_000) });
      expect(next.attempt).not.toBe(dead.attempt);
      expect(lost(await store.takeOver(dead, later(61_000)))).toEqual(next);
      expect(await store.complete(dead, "evt-dead", later(62_000))).toBe(false);
      expect(await store.release(dead)).toBe(false);
      expect(await store.complete(next, "evt-next", later(63_000))).toBe(true);
      expect(lost(await store.takeOver(next, later(64_000))).eventId).toBe("evt-next");
    });

    test("take-over of a record that is gone claims afresh", async () => {
      const first = won(await store.claim(sampleClaim(alice, "msg-1"), t0));
      await store.release(first);
      const again = won(await store.takeOver(first, later(5000)));
      expect(again).toMatchObject({
        state: "pending",
        createdAt: later(5000),
        fingerprint: first.fingerprint,
      });
    });

    test("keys are per customer, and compared exactly: case, spacing and Unicode normalization matter", async () => {
      const nfc = "caf\u00e9";
      const nfd = "cafe\u0301";
      const keysToTry = [nfc, nfd, "Cafe", "cafe ", "a\u0000b", "a", "\u{1F600}", "x".repeat(256)];
      for (const key of keysToTry) won(await store.claim(sampleClaim(alice, key), t0));
      for (const key of keysToTry) won(await store.claim(sampleClaim(bob, key), t0));
      for (const key of keysToTry) expect(lost(await store.claim(sampleClaim(alice, key), t0)).key).toBe(key);
    });

    test("keys with a lone surrogate, empty or longer than 256 are refused, never stored", async () => {
      // Both encode to U+FFFD in UTF-8: accepted, they would share one record.
      for (const key of ["\ud800", "\udc00", "a\ud83d", "", "x".repeat(257)]) {
        expect(await domainErrorCode(() => store.claim(sampleClaim(alice, key), t0))).toBe(
          "invalid_argument",
        );
      }
      expect(await store.purgeOlderThan(later(86_400_000))).toBe(0);
    });

    test("purgeOlderThan drops records last changed before the cutoff, pending or completed", async () => {
      const oldPending = won(await store.claim(sampleClaim(alice, "old-pending"), t0));
      const oldDone = won(await store.claim(sampleClaim(alice, "old-done"), t0));
      await store.complete(oldDone, "evt-old", later(1000));
      const touched = won(await store.claim(sampleClaim(alice, "touched"), t0));
      await store.complete(touched, "evt-touched", later(10_000));
      won(await store.claim(sampleClaim(bob, "fresh"), later(20_000)));
      expect(await store.purgeOlderThan(later(5000))).toBe(2);
      expect(await store.purgeOlderThan(later(5000))).toBe(0);
      won(await store.claim(sampleClaim(alice, "old-pending"), later(30_000)));
      expect(await store.complete(oldPending, "evt", later(30_000))).toBe(false);
      expect(lost(await store.claim(sampleClaim(alice, "touched"), later(30_000))).eventId).toBe(
        "evt-touched",
      );
      expect(lost(await store.claim(sampleClaim(bob, "fresh"), later(30_000))).state).toBe("pending");
    });

    test(`of concurrent claims of one key from three stores, exactly one wins (${ROUNDS} rounds)`, async () => {
      const stores = [store, await harness.open(keys), await harness.open(keys)];
      for (let round = 0; round < ROUNDS; round += 1) {
        const claims = Array.from({ length: 9 }, (_, index) =>
          (stores[index % stores.length] as IdempotencyRecords).claim(
            sampleClaim(alice, `race-${round}`),
            t0,
          ),
        );
        const outcomes = await Promise.all(claims);
        const winners = outcomes.filter((outcome) => outcome.claimed);
        expect(winners).toHaveLength(1);
        const attempt = won(winners[0] as ClaimOutcome).attempt;
        for (const outcome of outcomes) if (!outcome.claimed) expect(outcome.existing.attempt).toBe(attempt);
      }
    });

    test(`of concurrent take-overs of one dead attempt from three stores, exactly one wins (${ROUNDS} rounds)`, async () => {
      const stores = [store, await harness.open(keys), await harness.open(keys)];
      for (let round = 0; round < ROUNDS; round += 1) {
        const dead = won(await store.claim(sampleClaim(alice, `dead-${round}`), t0));
        const outcomes = await Promise.all(
          Array.from({ length: 6 }, (_, index) =>
            (stores[index % stores.length] as IdempotencyRecords).takeOver(dead, later(60_000)),
          ),
        );
        expect(outcomes.filter((outcome) => outcome.claimed)).toHaveLength(1);
      }
    });

    test("a tampered record is unreadable, and so is one sealed with a key the store does not hold", async () => {
      won(await store.claim(sampleClaim(alice, "msg-1"), t0));
      won(await store.claim(sampleClaim(alice, "msg-2"), t0));
      await harness.tamper(alice, "msg-1");
      expect(await domainErrorCode(() => store.claim(sampleClaim(alice, "msg-1"), t0))).toBe(
        "record_unreadable",
      );
      const stranger = await harness.open(newKeys());
      expect(await domainErrorCode(() => stranger.claim(sampleClaim(alice, "msg-2"), t0))).toBe(
        "record_unreadable",
      );
    });

    test("a record sealed with a previous key still opens once the key is rotated", async () => {
      const record = won(await store.claim(sampleClaim(alice, "msg-1"), t0));
      const rotated = await harness.open({ current: newKeys().current, previous: [keys.current] });
      expect(lost(await rotated.claim(sampleClaim(alice, "msg-1"), t0))).toEqual(record);
      expect(await rotated.complete(record, "evt1", later(1000))).toBe(true);
    });

    test("neither the key nor the calendar id appears in plaintext in what the store persisted", async () => {
      const key = "customer-message-7f3a9c";
      const record = won(await store.claim(sampleClaim(alice, key), t0));
      await store.complete(record, "evt1", later(1000));
      const stored = await harness.storedBytes();
      expect(stored.length).toBeGreaterThan(0);
      const leaks = stored.filter(
        (entry) => contains(entry.bytes, key) || contains(entry.bytes, "team-calendar@group"),
      );
      expect(leaks.map((entry) => entry.name)).toEqual([]);
    });
  });
}
