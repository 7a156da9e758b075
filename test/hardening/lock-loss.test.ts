import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { GoogleCalendarGateway } from "../../src/adapters/google/google-calendar-gateway.ts";
import { PostgresCustomerLock } from "../../src/adapters/postgres/postgres-customer-lock.ts";
import { PostgresTokenVault } from "../../src/adapters/postgres/postgres-token-vault.ts";
import { sha256 } from "../../src/adapters/system/sha256.ts";
import { SystemClock } from "../../src/adapters/system/system-clock.ts";
import { RecordSealer } from "../../src/adapters/vault/record-sealer.ts";
import { parseCustomerId } from "../../src/domain/customer-id.ts";
import { DomainError } from "../../src/domain/errors.ts";
import { parseTimeInput } from "../../src/domain/event-times.ts";
import type { LockPurpose } from "../../src/domain/ports/customer-lock.ts";
import type { OAuthProvider } from "../../src/domain/ports/oauth-provider.ts";
import { BookEvent } from "../../src/domain/services/book-event.ts";
import { RefreshToken } from "../../src/domain/services/refresh-token.ts";
import type { AccessTokens } from "../../src/domain/services/with-access-token.ts";
import { calendarServer, PRODUCT_SCOPES } from "../adapters/google/calendar-emulator-server.ts";
import { SchemaScope } from "../adapters/postgres/postgres-fixtures.ts";
import { newKeys, sampleConnection } from "../adapters/vault/vault-fixtures.ts";
import { FixedClock } from "../fakes/fixed-clock.ts";
import { InMemoryIdempotencyRecords } from "../fakes/in-memory-idempotency-records.ts";

/**
 * Two instances on one PostgreSQL database book the same slot for one customer while the first
 * one's lock session is terminated (pg_terminate_backend) in the middle of its booking. The
 * database releases the lock at once; the first instance must not act on it any more, and the
 * second must not book over a write still in flight: exactly one event in the slot, every time.
 */

const emulator = calendarServer();
const { state, server } = emulator;
const alice = parseCustomerId("lock-loss-alice");
/** Generous: the injected delay must not look like a timeout. */
const gateway = new GoogleCalendarGateway({
  rootUrl: `http://127.0.0.1:${server.port}/`,
  timeoutMs: 5000,
  retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
});
const DELAY_MS = 700;

afterAll(() => emulator.stop());

function tokensFor(token: string): AccessTokens {
  const usable = { accessToken: token, scopes: PRODUCT_SCOPES, email: null };
  return { execute: async () => usable, afterRejection: async () => usable };
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await Bun.sleep(5);
  }
}

describe("a booking lock lost mid-booking (PostgreSQL, two instances)", () => {
  let scope: SchemaScope;
  let lost: LockPurpose[];
  let instanceC: BookEvent;
  let instanceB: BookEvent;
  let token: string;
  const applicationName = (): string => `lock-loss-c-${scope.schema}`;

  beforeEach(async () => {
    scope = new SchemaScope();
    lost = [];
    state.faults = [];
    state.resetCounters();
    token = emulator.issueToken();
    const lockC = new PostgresCustomerLock(await scope.open({ applicationName: applicationName() }), {
      onLost: (purpose) => lost.push(purpose),
    });
    const lockB = new PostgresCustomerLock(
      await scope.open({ applicationName: `lock-loss-b-${scope.schema}` }),
    );
    // One store's idempotency records, as both instances would share (no key is used here).
    const idempotency = new InMemoryIdempotencyRecords();
    const clock = new SystemClock();
    instanceC = new BookEvent({
      tokens: tokensFor(token),
      calendar: gateway,
      lock: lockC,
      clock,
      idempotency,
      sha256,
    });
    instanceB = new BookEvent({
      tokens: tokensFor(token),
      calendar: gateway,
      lock: lockB,
      clock,
      idempotency,
      sha256,
    });
  });
  afterEach(async () => {
    state.faults = [];
    await scope.cleanup();
  });

  async function terminateC(): Promise<void> {
    const killed = await scope.admin`
      SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE application_name = ${`${applicationName()}:booking-lock`}`;
    expect(killed.length).toBeGreaterThan(0);
  }

  async function eventsIn(day: number): Promise<number> {
    const page = await gateway.listEvents(token, "primary", {
      timeMin: new Date(`2027-06-${day}T00:00:00Z`),
      timeMax: new Date(`2027-06-${day}T23:59:59Z`),
    });
    return page.events.length;
  }

  const slot = (day: number, summary: string) => ({
    summary,
    start: parseTimeInput("start", `2027-06-${day}T10:00:00Z`),
    end: parseTimeInput("end", `2027-06-${day}T11:00:00Z`),
  });

  for (const run of [1, 2, 3]) {
    test(`run ${run}: session killed while the insert is in flight: one event, the other booking is time_conflict`, async () => {
      const day = 10 + run;
      state.faults = [{ target: "calendar:events.insert", delayMs: DELAY_MS, times: 1 }];
      const first = instanceC.execute(alice, slot(day, "C"));
      await until(() => (state.counters.calendarCalls.get("events.insert") ?? 0) === 1);
      await terminateC();
      const second = await instanceB.execute(alice, slot(day, "B")).catch((error: unknown) => error);
      expect(await first).toMatchObject({ kind: "created", event: { summary: "C" } });
      expect(second).toBeInstanceOf(DomainError);
      expect((second as DomainError).code).toBe("time_conflict");
      expect(await eventsIn(day)).toBe(1);
    });
  }

  test("session killed before the insert: nothing is written (google_unavailable, lock_lost), logged; the other books", async () => {
    const day = 20;
    state.faults = [{ target: "calendar:freebusy.query", delayMs: DELAY_MS, times: 1 }];
    const first = instanceC.execute(alice, slot(day, "C")).catch((error: unknown) => error);
    await until(() => (state.counters.calendarCalls.get("freebusy.query") ?? 0) === 1);
    await terminateC();
    const second = await instanceB.execute(alice, slot(day, "B"));
    const refused = await first;
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: "google_unavailable", details: { reason: "lock_lost" } });
    expect(second).toMatchObject({ kind: "created", event: { summary: "B" } });
    expect(lost).toEqual(["booking"]);
    expect(state.counters.calendarCalls.get("events.insert")).toBe(1);
    expect(await eventsIn(day)).toBe(1);
  });
});

describe("a token lock lost mid-refresh (PostgreSQL)", () => {
  let scope: SchemaScope;
  beforeEach(() => {
    scope = new SchemaScope();
  });
  afterEach(async () => {
    await scope.cleanup();
  });

  test("the refreshed tokens are not written on a lock no longer held: google_unavailable, record unchanged", async () => {
    const applicationName = `refresh-loss-${scope.schema}`;
    const db = await scope.open({ applicationName });
    const lost: LockPurpose[] = [];
    const lock = new PostgresCustomerLock(db, { onLost: (purpose) => lost.push(purpose) });
    const vault = new PostgresTokenVault(db, new RecordSealer(newKeys()));
    const clock = new FixedClock(new Date("2026-01-15T12:00:00Z"));
    const stale = sampleConnection(alice);
    await vault.put(stale);
    let refreshing = false;
    const oauth: OAuthProvider = {
      authorizationUrl: () => "",
      exchangeCode: () => Promise.reject(new Error("unused")),
      revoke: async () => true,
      refresh: async () => {
        refreshing = true;
        await Bun.sleep(DELAY_MS);
        return {
          accessToken: "ya29.after-the-lock-was-lost",
          refreshToken: null,
          expiresAt: new Date("2026-01-15T13:00:00Z"),
          scopes: null,
          email: null,
          clientId: "lock-loss-client.apps.googleusercontent.com",
        };
      },
    };
    const refresh = new RefreshToken({ vault, oauth, lock, clock });
    const outcome = refresh.execute(alice).catch((error: unknown) => error);
    await until(() => refreshing);
    const killed = await scope.admin`
      SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE application_name = ${`${applicationName}:token-lock`}`;
    expect(killed.length).toBeGreaterThan(0);
    expect(await outcome).toMatchObject({ code: "google_unavailable", details: { reason: "lock_lost" } });
    expect(await vault.get(alice)).toEqual(stale);
    expect(lost).toEqual(["token"]);
  });
});
