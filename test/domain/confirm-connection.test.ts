import { describe, expect, test } from "bun:test";
import { DomainError } from "../../src/domain/errors.ts";
import { ConfirmConnection } from "../../src/domain/services/confirm-connection.ts";
import { ConnectCalendar } from "../../src/domain/services/connect-calendar.ts";
import { InMemoryPendingConnections } from "../fakes/in-memory-pending-connections.ts";
import { customer, fakeWorld } from "./connection-fixtures.ts";

function setUp() {
  const world = fakeWorld();
  const pendingConnections = new InMemoryPendingConnections();
  const confirmation = new ConfirmConnection({ ...world, pendingConnections });
  const connect = new ConnectCalendar({ ...world, confirmation });
  /** Consent at the fake Google as `email`, through the callback: held, not stored. */
  const consent = async (who: string, email: string) => {
    const started = await connect.start(customer(who));
    const verifier = new URL(started.authorizationUrl).searchParams.get("verifier_for_tests") ?? "";
    return connect.complete(started.state, world.oauth.issueCode(verifier, email));
  };
  return { ...world, pendingConnections, confirmation, connect, consent };
}

describe("ConfirmConnection", () => {
  test("a consent is held, not stored, until the backend confirms its code once", async () => {
    const { consent, confirmation, vault } = setUp();
    const done = await consent("ana", "ana@example.com");
    // Held is not connected: the backend hears of the connection when it is confirmed.
    expect(vault.notified).toEqual([]);
    expect(done.held?.connectCode.length).toBeGreaterThanOrEqual(43);
    expect(done.held?.expiresAt.toISOString()).toBe("2026-01-15T10:10:00.000Z");
    expect(await vault.get(customer("ana"))).toBeNull();
    const confirmed = await confirmation.confirm(done.held?.connectCode ?? "");
    expect(confirmed).toMatchObject({ customerId: customer("ana"), email: "ana@example.com" });
    expect((await vault.get(customer("ana")))?.state).toEqual({ kind: "connected" });
    expect(vault.notified).toEqual([
      expect.objectContaining({
        type: "connection.connected",
        customerId: customer("ana"),
        email: "ana@example.com",
      }),
    ]);
    await expect(confirmation.confirm(done.held?.connectCode ?? "")).rejects.toMatchObject({
      code: "invalid_connect_code",
    });
  });

  test("a store that cannot be read stops the confirmation instead of writing over what it holds", async () => {
    const { consent, confirmation, vault } = setUp();
    const done = await consent("ana", "ana@example.com");
    const get = vault.get.bind(vault);
    vault.get = async () => {
      throw new DomainError("storage_unavailable", "The token store cannot be reached");
    };
    await expect(confirmation.confirm(done.held?.connectCode ?? "")).rejects.toMatchObject({
      code: "storage_unavailable",
    });
    vault.get = get;
    expect(await vault.get(customer("ana"))).toBeNull();
  });

  test("unknown and empty codes are invalid_connect_code", async () => {
    const { confirmation } = setUp();
    for (const code of ["", "made-up"]) {
      await expect(confirmation.confirm(code)).rejects.toMatchObject({ code: "invalid_connect_code" });
    }
  });

  test("a code confirmed too late is refused, nothing stored, and its grant revoked", async () => {
    const { consent, confirmation, vault, clock, oauth } = setUp();
    const done = await consent("ana", "eve@example.com");
    clock.advance(10 * 60 * 1000);
    await expect(confirmation.confirm(done.held?.connectCode ?? "")).rejects.toMatchObject({
      code: "invalid_connect_code",
    });
    expect(await vault.get(customer("ana"))).toBeNull();
    expect(oauth.revoked).toHaveLength(1);
  });

  test("the sweep discards unconfirmed consents once expired and revokes their grants", async () => {
    const { consent, confirmation, clock, oauth, pendingConnections } = setUp();
    await consent("ana", "eve@example.com");
    await consent("bea", "bea@example.com");
    expect(await confirmation.sweep(clock.now())).toBe(0);
    clock.advance(10 * 60 * 1000 + 1);
    expect(await confirmation.sweep(clock.now())).toBe(2);
    expect(oauth.revoked).toHaveLength(2);
    expect(pendingConnections.size).toBe(0);
  });

  test("discarding a consent never revokes a grant another customer is connected with", async () => {
    const world = setUp();
    const first = await world.consent("bea", "shared@example.com");
    await world.confirmation.confirm(first.held?.connectCode ?? "");
    await world.consent("ana", "shared@example.com");
    world.clock.advance(11 * 60 * 1000);
    expect(await world.confirmation.sweep(world.clock.now())).toBe(1);
    expect(world.oauth.revoked).toEqual([]);
  });

  test("confirming another account than the stored one replaces the record and revokes the old grant", async () => {
    const world = setUp();
    const first = await world.consent("ana", "old@example.com");
    await world.confirmation.confirm(first.held?.connectCode ?? "");
    const old = await world.vault.get(customer("ana"));
    const second = await world.consent("ana", "new@example.com");
    await world.confirmation.confirm(second.held?.connectCode ?? "");
    expect((await world.vault.get(customer("ana")))?.email).toBe("new@example.com");
    expect(world.oauth.revoked).toEqual([old?.tokens.refreshToken ?? "missing"]);
  });
});
