import { describe, expect, test } from "bun:test";
import { DomainError } from "../../src/domain/errors.ts";
import { DisconnectCalendar } from "../../src/domain/services/disconnect-calendar.ts";
import { GetConnectionStatus } from "../../src/domain/services/get-connection-status.ts";
import { aConnection, customer, fakeWorld } from "./connection-fixtures.ts";

describe("DisconnectCalendar", () => {
  test("revokes at Google with the refresh token, then deletes; a second call is a no-op", async () => {
    const world = fakeWorld();
    const disconnect = new DisconnectCalendar(world);
    await world.vault.put(aConnection());
    expect(await disconnect.execute(customer())).toEqual({
      customerId: customer(),
      revoked: true,
      deleted: true,
    });
    expect(world.oauth.revoked).toEqual(["refresh-initial"]);
    expect(await world.vault.get(customer())).toBeNull();
    expect(await disconnect.execute(customer())).toEqual({
      customerId: customer(),
      revoked: false,
      deleted: false,
    });
  });

  test("a Google failure still deletes locally", async () => {
    const world = fakeWorld();
    world.oauth.revokeFailure = new DomainError("google_unavailable", "timeout");
    await world.vault.put(aConnection());
    const result = await new DisconnectCalendar(world).execute(customer());
    expect(result).toEqual({ customerId: customer(), revoked: false, deleted: true });
    expect(await world.vault.get(customer())).toBeNull();
  });

  test("a grant another customer holds (same Google account) is not revoked, and says why", async () => {
    const world = fakeWorld();
    await world.vault.put(aConnection({ customerId: customer("ana"), email: "Shared@Example.com" }));
    await world.vault.put(aConnection({ customerId: customer("bea"), email: "shared@example.com" }));
    const result = await new DisconnectCalendar(world).execute(customer("ana"));
    expect(result).toEqual({
      customerId: customer("ana"),
      revoked: false,
      deleted: true,
      keptReason: "shared_with_other_customers",
    });
    expect(world.oauth.revoked).toEqual([]);
    expect((await new GetConnectionStatus(world).execute(customer("bea"))).connected).toBe(true);
    // The last holder's disconnect does revoke.
    expect((await new DisconnectCalendar(world).execute(customer("bea"))).revoked).toBe(true);
  });

  test("the same Google account through another OAuth client is another grant: it is revoked", async () => {
    const world = fakeWorld();
    await world.vault.put(
      aConnection({ customerId: customer("ana"), email: "ana@example.com", oauthClientId: "old-client" }),
    );
    await world.vault.put(
      aConnection({ customerId: customer("bea"), email: "ana@example.com", oauthClientId: "agentic-client" }),
    );
    const result = await new DisconnectCalendar(world).execute(customer("ana"));
    expect(result).toEqual({ customerId: customer("ana"), revoked: true, deleted: true });
  });
});

describe("GetConnectionStatus", () => {
  test("connected customer: email, expiry, scopes; never a token", async () => {
    const world = fakeWorld();
    await world.vault.put(aConnection());
    const status = await new GetConnectionStatus(world).execute(customer());
    expect(status).toMatchObject({
      connected: true,
      email: "user-123@gmail.com",
      scopes: ["openid", "email"],
    });
    expect(JSON.stringify(status)).not.toContain("access-initial");
    expect(JSON.stringify(status)).not.toContain("refresh-initial");
  });

  test("unknown customer is not connected", async () => {
    const status = await new GetConnectionStatus(fakeWorld()).execute(customer("ghost"));
    expect(status).toMatchObject({ connected: false, reason: "not_connected", expiresAt: null });
  });

  test("a revoked grant reports connected false with the reason", async () => {
    const world = fakeWorld();
    await world.vault.put(
      aConnection({ state: { kind: "reauthorization_required", reason: "revoked", since: new Date() } }),
    );
    const status = await new GetConnectionStatus(world).execute(customer());
    expect(status).toMatchObject({ connected: false, reason: "reauthorization_required" });
  });
});
