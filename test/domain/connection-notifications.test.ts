import { describe, expect, test } from "bun:test";
import { ConnectCalendar } from "../../src/domain/services/connect-calendar.ts";
import { DisconnectCalendar } from "../../src/domain/services/disconnect-calendar.ts";
import { RefreshToken } from "../../src/domain/services/refresh-token.ts";
import { aConnection, customer, fakeWorld } from "./connection-fixtures.ts";

/** The fake vault keeps the notifications that go with its writes (`vault.notified`). */
function setUp() {
  const world = fakeWorld();
  const connect = new ConnectCalendar(world);
  const refresh = new RefreshToken({ ...world, reauthorize: (customerId) => connect.start(customerId) });
  const disconnect = new DisconnectCalendar(world);
  return { ...world, connect, refresh, disconnect };
}

/** A stored connection whose refresh token Google no longer honours. */
async function revokedAtGoogle(world: ReturnType<typeof setUp>): Promise<void> {
  const { vault, oauth, clock } = world;
  const granted = await oauth.exchangeCode(oauth.issueCode("verifier"), "verifier");
  const base = aConnection();
  await vault.put({
    ...base,
    tokens: { ...base.tokens, refreshToken: granted.refreshToken, expiresAt: clock.now() },
  });
  oauth.revokeAll();
}

describe("connection notifications go with the connection write", () => {
  test("a completed connection is stored with connection.connected, the account and granted scopes", async () => {
    const { connect, oauth, vault, clock } = setUp();
    const started = await connect.start(customer("user-9"));
    const verifier = new URL(started.authorizationUrl).searchParams.get("verifier_for_tests") ?? "";
    await connect.complete(started.state, oauth.issueCode(verifier, "nine@gmail.com"));
    expect(vault.notified).toHaveLength(1);
    expect(vault.notified[0]).toMatchObject({
      type: "connection.connected",
      customerId: "user-9",
      occurredAt: clock.now(),
      email: "nine@gmail.com",
    });
    expect(vault.notified[0]).toHaveProperty("scopes");
    expect((await vault.get(customer("user-9")))?.email).toBe("nine@gmail.com");
  });

  test("a refused consent records nothing", async () => {
    const { connect, vault } = setUp();
    const started = await connect.start(customer());
    await connect.refusal(started.state, "access_denied");
    expect(vault.notified).toEqual([]);
  });

  test("disconnecting a stored connection deletes it with connection.disconnected; a second time records nothing", async () => {
    const { disconnect, vault } = setUp();
    await vault.put(aConnection());
    await disconnect.execute(customer());
    await disconnect.execute(customer());
    expect(vault.notified.map((n) => `${n.type} ${n.customerId}`)).toEqual([
      "connection.disconnected user-123",
    ]);
  });

  test("invalid_grant on refresh marks the record with reauthorization_required once, with a fresh working authorization URL", async () => {
    const world = setUp();
    const { refresh, vault, pending, clock } = world;
    await revokedAtGoogle(world);
    for (let i = 0; i < 2; i += 1) {
      await expect(refresh.execute(customer())).rejects.toMatchObject({ code: "reauthorization_required" });
    }
    expect(vault.notified).toHaveLength(1);
    const [recorded] = vault.notified;
    if (recorded?.type !== "connection.reauthorization_required") throw new Error("wrong notification");
    expect(recorded.customerId).toBe(customer());
    expect(recorded.reason).not.toBe("");
    expect((await vault.get(customer()))?.state.kind).toBe("reauthorization_required");
    const state = new URL(recorded.authorizationUrl ?? "http://x").searchParams.get("state") ?? "";
    expect((await pending.take(state))?.customerId).toBe(customer());
    expect(recorded.authorizationExpiresAt?.getTime()).toBe(clock.now().getTime() + 10 * 60 * 1000);
  });

  test("a record deleted while Google refused the refresh is not brought back, and nothing is told", async () => {
    const world = setUp();
    const { refresh, vault, oauth } = world;
    await revokedAtGoogle(world);
    // An operator's disconnect lands between the read and the refresh's answer.
    const refreshAtGoogle = oauth.refresh.bind(oauth);
    oauth.refresh = async (...args) => {
      await vault.delete(customer());
      return refreshAtGoogle(...args);
    };
    await expect(refresh.execute(customer())).rejects.toMatchObject({ code: "reauthorization_required" });
    expect(await vault.get(customer())).toBeNull();
    expect(vault.notified).toEqual([]);
  });

  test("without a way to start one, reauthorization_required carries no link", async () => {
    const world = setUp();
    await revokedAtGoogle(world);
    const refresh = new RefreshToken(world);
    await expect(refresh.execute(customer())).rejects.toMatchObject({ code: "reauthorization_required" });
    expect(world.vault.notified).toMatchObject([
      { type: "connection.reauthorization_required", authorizationUrl: null, authorizationExpiresAt: null },
    ]);
  });
});
