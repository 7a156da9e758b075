import { describe, expect, test } from "bun:test";
import { DomainError } from "../../src/domain/errors.ts";
import { type RefreshOutcome, RefreshToken } from "../../src/domain/services/refresh-token.ts";
import { aConnection, customer, fakeWorld } from "./connection-fixtures.ts";

async function setUp(options: { expiresInMs?: number } = {}) {
  const world = fakeWorld();
  const outcomes: RefreshOutcome[] = [];
  const refresh = new RefreshToken({ ...world, onRefresh: (outcome) => outcomes.push(outcome) });
  // A connection made through the fake, so its refresh token is one the fake honours.
  const code = world.oauth.issueCode("verifier");
  const granted = await world.oauth.exchangeCode(code, "verifier");
  const base = aConnection();
  await world.vault.put({
    ...base,
    tokens: {
      ...base.tokens,
      refreshToken: granted.refreshToken,
      expiresAt: new Date(world.clock.now().getTime() + (options.expiresInMs ?? 3600_000)),
    },
  });
  return { ...world, refresh, outcomes, refreshToken: granted.refreshToken };
}

describe("RefreshToken", () => {
  test("a token far from expiry is handed out without calling Google", async () => {
    const { refresh, oauth } = await setUp();
    const token = await refresh.execute(customer());
    expect(token.accessToken).toBe("access-initial");
    expect(oauth.refreshCalls).toBe(0);
  });

  test("a token expiring within the skew is refreshed and stored", async () => {
    const { refresh, oauth, vault, refreshToken } = await setUp({ expiresInMs: 60_000 });
    const token = await refresh.execute(customer());
    expect(token.accessToken).not.toBe("access-initial");
    expect(oauth.refreshCalls).toBe(1);
    const stored = await vault.get(customer());
    expect(stored?.tokens.accessToken).toBe(token.accessToken);
    // Google sent no refresh token: the old one is kept.
    expect(stored?.tokens.refreshToken).toBe(refreshToken);
    expect(stored?.tokens.scopes).toEqual(["openid", "email"]);
  });

  test("100 concurrent callers on an expired token cause exactly one refresh", async () => {
    const { refresh, oauth, outcomes } = await setUp({ expiresInMs: -1000 });
    const tokens = await Promise.all(Array.from({ length: 100 }, () => refresh.execute(customer())));
    expect(oauth.refreshCalls).toBe(1);
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    expect(outcomes).toEqual(["refreshed"]);
  });

  test("a refresh done by another process while we waited for the lock is reused", async () => {
    const { refresh, oauth, vault, lock } = await setUp({ expiresInMs: -1000 });
    // Hold the lock as "another instance" would, and refresh behind it.
    const gate = Promise.withResolvers<void>();
    const entered = Promise.withResolvers<void>();
    const held = lock.withLock(customer(), "token", async () => {
      entered.resolve();
      await gate.promise;
      const current = await vault.get(customer());
      if (current === null) throw new Error("missing");
      await vault.put({
        ...current,
        tokens: {
          ...current.tokens,
          accessToken: "from-other-instance",
          expiresAt: new Date("2026-01-15T12:00:00Z"),
        },
      });
    });
    await entered.promise;
    const waiting = refresh.execute(customer());
    gate.resolve();
    await held;
    expect((await waiting).accessToken).toBe("from-other-instance");
    expect(oauth.refreshCalls).toBe(0);
  });

  test("rotated refresh tokens replace the old one", async () => {
    const { refresh, oauth, vault, refreshToken } = await setUp({ expiresInMs: -1 });
    oauth.rotateRefreshTokens = true;
    await refresh.execute(customer());
    const stored = await vault.get(customer());
    expect(stored?.tokens.refreshToken).not.toBe(refreshToken);
    expect(stored?.tokens.refreshToken).toStartWith("refresh-");
  });

  test("invalid_grant marks the connection as needing re-authorization and keeps it", async () => {
    const { refresh, oauth, vault, outcomes, refreshToken } = await setUp({ expiresInMs: -1 });
    oauth.revokeAll();
    await expect(refresh.execute(customer())).rejects.toMatchObject({ code: "reauthorization_required" });
    const stored = await vault.get(customer());
    expect(stored?.state.kind).toBe("reauthorization_required");
    expect(stored?.tokens.refreshToken).toBe(refreshToken);
    expect(outcomes).toEqual(["reauthorization_required"]);
    // Later calls fail fast without asking Google again.
    await expect(refresh.execute(customer())).rejects.toMatchObject({ code: "reauthorization_required" });
    expect(oauth.refreshCalls).toBe(1);
  });

  test("a Google outage fails the call but keeps the tokens and the connection", async () => {
    const { refresh, oauth, vault } = await setUp({ expiresInMs: -1 });
    oauth.refreshFailure = new DomainError("google_unavailable", "Google token endpoint answered 503");
    await expect(refresh.execute(customer())).rejects.toMatchObject({ code: "google_unavailable" });
    expect((await vault.get(customer()))?.state.kind).toBe("connected");
    oauth.refreshFailure = null;
    expect((await refresh.execute(customer())).accessToken).toStartWith("access-");
  });

  test("unknown customer → calendar_not_connected", async () => {
    const { refresh } = await setUp();
    await expect(refresh.execute(customer("nobody"))).rejects.toMatchObject({
      code: "calendar_not_connected",
      details: { customer_id: "nobody" },
    });
  });

  test("after a 401, refresh once; if someone already replaced the token, reuse theirs", async () => {
    const { refresh, oauth } = await setUp();
    const renewed = await refresh.afterRejection(customer(), "access-initial");
    expect(renewed.accessToken).not.toBe("access-initial");
    expect(oauth.refreshCalls).toBe(1);
    const again = await refresh.afterRejection(customer(), "access-initial");
    expect(again.accessToken).toBe(renewed.accessToken);
    expect(oauth.refreshCalls).toBe(1);
  });
});
