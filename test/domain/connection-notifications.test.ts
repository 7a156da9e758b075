import { describe, expect, test } from "bun:test";
import { ConnectCalendar } from "../../src/domain/services/connect-calendar.ts";
import { DisconnectCalendar } from "../../src/domain/services/disconnect-calendar.ts";
import { RefreshToken } from "../../src/domain/services/refresh-token.ts";
import { RecordingNotifications } from "../fakes/recording-notifications.ts";
import { aConnection, customer, fakeWorld } from "./connection-fixtures.ts";

function setUp() {
  const world = fakeWorld();
  const notifications = new RecordingNotifications();
  const connect = new ConnectCalendar({ ...world, notifications });
  const refresh = new RefreshToken({
    ...world,
    notifications,
    reauthorize: (customerId) => connect.start(customerId),
  });
  const disconnect = new DisconnectCalendar({ ...world, notifications });
  return { ...world, notifications, connect, refresh, disconnect };
}

describe("connection notifications", () => {
  test("a completed connection records connection.connected with the account and granted scopes", async () => {
    const { connect, oauth, notifications, clock } = setUp();
    const started = await connect.start(customer("user-9"));
    const verifier = new URL(started.authorizationUrl).searchParams.get("verifier_for_tests") ?? "";
    await connect.complete(started.state, oauth.issueCode(verifier, "nine@gmail.com"));
    expect(notifications.recorded).toHaveLength(1);
    expect(notifications.recorded[0]).toMatchObject({
      type: "connection.connected",
      customerId: "user-9",
      occurredAt: clock.now(),
      email: "nine@gmail.com",
    });
    expect(notifications.recorded[0]).toHaveProperty("scopes");
  });

  test("a refused consent records nothing", async () => {
    const { connect, notifications } = setUp();
    const started = await connect.start(customer());
    await connect.refusal(started.state, "access_denied");
    expect(notifications.recorded).toEqual([]);
  });

  test("disconnecting a stored connection records connection.disconnected; a second time records nothing", async () => {
    const { disconnect, vault, notifications } = setUp();
    await vault.put(aConnection());
    await disconnect.execute(customer());
    await disconnect.execute(customer());
    expect(notifications.recorded.map((n) => `${n.type} ${n.customerId}`)).toEqual([
      "connection.disconnected user-123",
    ]);
  });

  test("invalid_grant on refresh records reauthorization_required once, with a fresh working authorization URL", async () => {
    const { refresh, vault, oauth, pending, notifications, clock } = setUp();
    const code = oauth.issueCode("verifier");
    const granted = await oauth.exchangeCode(code, "verifier");
    const base = aConnection();
    await vault.put({
      ...base,
      tokens: { ...base.tokens, refreshToken: granted.refreshToken, expiresAt: clock.now() },
    });
    oauth.revokeAll();
    for (let i = 0; i < 2; i += 1) {
      await expect(refresh.execute(customer())).rejects.toMatchObject({ code: "reauthorization_required" });
    }
    expect(notifications.recorded).toHaveLength(1);
    const [recorded] = notifications.recorded;
    if (recorded?.type !== "connection.reauthorization_required") throw new Error("wrong notification");
    expect(recorded.customerId).toBe(customer());
    expect(recorded.reason).not.toBe("");
    const state = new URL(recorded.authorizationUrl ?? "http://x").searchParams.get("state") ?? "";
    expect((await pending.take(state))?.customerId).toBe(customer());
    expect(recorded.authorizationExpiresAt?.getTime()).toBe(clock.now().getTime() + 10 * 60 * 1000);
  });
});
