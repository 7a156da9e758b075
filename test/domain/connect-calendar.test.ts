import { describe, expect, test } from "bun:test";
import { DomainError } from "../../src/domain/errors.ts";
import { ConnectCalendar } from "../../src/domain/services/connect-calendar.ts";
import { customer, fakeWorld } from "./connection-fixtures.ts";

function setUp() {
  const world = fakeWorld();
  return { ...world, connect: new ConnectCalendar(world) };
}

function verifierOf(url: string): string {
  return new URL(url).searchParams.get("verifier_for_tests") ?? "";
}

describe("ConnectCalendar", () => {
  test("start gives a URL and a fresh, unguessable state that expires in ten minutes", async () => {
    const { connect } = setUp();
    const first = await connect.start(customer());
    const second = await connect.start(customer());
    expect(first.state).not.toBe(second.state);
    expect(first.state.length).toBeGreaterThanOrEqual(43);
    expect(first.authorizationUrl).toContain(first.state);
    expect(first.expiresAt.toISOString()).toBe("2026-01-15T10:10:00.000Z");
  });

  test("complete exchanges the code and stores the tokens for the state's customer", async () => {
    const { connect, oauth, vault } = setUp();
    const started = await connect.start(customer("user-456"));
    const code = oauth.issueCode(verifierOf(started.authorizationUrl), "user-456@gmail.com");
    const done = await connect.complete(started.state, code);
    expect(done).toEqual({
      customerId: customer("user-456"),
      email: "user-456@gmail.com",
      scopes: ["openid", "email", "calendar.events"],
    });
    const stored = await vault.get(customer("user-456"));
    expect(stored?.tokens.refreshToken).toStartWith("refresh-");
    expect(stored?.state).toEqual({ kind: "connected" });
  });

  test("a state is single use", async () => {
    const { connect, oauth } = setUp();
    const started = await connect.start(customer());
    const code = oauth.issueCode(verifierOf(started.authorizationUrl));
    await connect.complete(started.state, code);
    await expect(connect.complete(started.state, code)).rejects.toMatchObject({ code: "invalid_state" });
    expect(oauth.exchangeCalls).toBe(1);
  });

  test("unknown, empty and expired states exchange nothing", async () => {
    const { connect, oauth, clock, vault } = setUp();
    await expect(connect.complete("nope", "code")).rejects.toMatchObject({ code: "invalid_state" });
    await expect(connect.complete("", "code")).rejects.toMatchObject({ code: "invalid_state" });
    const started = await connect.start(customer());
    clock.advance(10 * 60 * 1000 + 1);
    const code = oauth.issueCode(verifierOf(started.authorizationUrl));
    await expect(connect.complete(started.state, code)).rejects.toMatchObject({ code: "invalid_state" });
    expect(oauth.exchangeCalls).toBe(0);
    expect(await vault.get(customer())).toBeNull();
  });

  test("a code minted for another flow fails the PKCE check and stores nothing", async () => {
    const { connect, oauth, vault } = setUp();
    const mine = await connect.start(customer("user-a"));
    const theirs = await connect.start(customer("user-b"));
    const theirCode = oauth.issueCode(verifierOf(theirs.authorizationUrl));
    await expect(connect.complete(mine.state, theirCode)).rejects.toMatchObject({
      code: "oauth_exchange_failed",
    });
    expect(await vault.get(customer("user-a"))).toBeNull();
  });

  test("a refusal consumes the state and does not name the customer (the callback is public)", async () => {
    const { connect } = setUp();
    const started = await connect.start(customer("user-9"));
    const refused = await connect.refusal(started.state, "access_denied");
    expect(refused).toMatchObject({ code: "access_denied", details: { google_error: "access_denied" } });
    expect(JSON.stringify(refused)).not.toContain("user-9");
    await expect(connect.refusal(started.state, "access_denied")).rejects.toMatchObject({
      code: "invalid_state",
    });
  });

  test("a store that cannot be read stops the reconnect instead of dropping the stored refresh token", async () => {
    const { connect, oauth, vault } = setUp();
    const first = await connect.start(customer());
    await connect.complete(first.state, oauth.issueCode(verifierOf(first.authorizationUrl)));
    const stored = await vault.get(customer());
    const exchange = oauth.exchangeCode.bind(oauth);
    oauth.exchangeCode = async (code, verifier) => ({
      ...(await exchange(code, verifier)),
      refreshToken: null,
    });
    const get = vault.get.bind(vault);
    vault.get = async () => {
      throw new DomainError("storage_unavailable", "The token store cannot be reached");
    };
    const second = await connect.start(customer());
    const code = oauth.issueCode(verifierOf(second.authorizationUrl));
    await expect(connect.complete(second.state, code)).rejects.toMatchObject({
      code: "storage_unavailable",
    });
    vault.get = get;
    expect((await vault.get(customer()))?.tokens.refreshToken).toBe(stored?.tokens.refreshToken ?? "missing");
  });

  test("an unreadable stored record is replaced by the new grant", async () => {
    const { connect, oauth, vault } = setUp();
    vault.get = async () => {
      throw new DomainError("record_unreadable", "The stored record cannot be opened");
    };
    const started = await connect.start(customer());
    const done = await connect.complete(started.state, oauth.issueCode(verifierOf(started.authorizationUrl)));
    expect(done.customerId).toBe(customer());
  });

  test("reconnecting without a new refresh token keeps the old one", async () => {
    const { connect, oauth, vault } = setUp();
    const first = await connect.start(customer());
    await connect.complete(first.state, oauth.issueCode(verifierOf(first.authorizationUrl)));
    const original = (await vault.get(customer()))?.tokens.refreshToken;
    const exchange = oauth.exchangeCode.bind(oauth);
    oauth.exchangeCode = async (code, verifier) => ({
      ...(await exchange(code, verifier)),
      refreshToken: null,
    });
    const second = await connect.start(customer());
    await connect.complete(second.state, oauth.issueCode(verifierOf(second.authorizationUrl)));
    expect((await vault.get(customer()))?.tokens.refreshToken).toBe(original ?? "missing");
  });
});

describe("ConnectCalendar: the right account, and only one per record", () => {
  test("expected_email is the login hint; consent by that account (any case) connects", async () => {
    const { connect, oauth, vault } = setUp();
    const started = await connect.start(customer("ana"), undefined, "Ana@Example.com");
    expect(new URL(started.authorizationUrl).searchParams.get("login_hint")).toBe("Ana@Example.com");
    const code = oauth.issueCode(verifierOf(started.authorizationUrl), "ana@example.com");
    await connect.complete(started.state, code);
    expect((await vault.get(customer("ana")))?.email).toBe("ana@example.com");
  });

  test("consent by another account than expected_email: account_mismatch, nothing stored, the new grant revoked", async () => {
    const { connect, oauth, vault } = setUp();
    const started = await connect.start(customer("ana"), undefined, "ana@example.com");
    const code = oauth.issueCode(verifierOf(started.authorizationUrl), "eve@example.com");
    await expect(connect.complete(started.state, code)).rejects.toMatchObject({ code: "account_mismatch" });
    expect(await vault.get(customer("ana"))).toBeNull();
    expect(oauth.revoked).toHaveLength(1);
    expect(oauth.revoked[0]).toStartWith("refresh-");
  });

  test("a reconnect to another account replaces the whole record and revokes the replaced grant", async () => {
    const { connect, oauth, vault } = setUp();
    const first = await connect.start(customer("ana"));
    await connect.complete(
      first.state,
      oauth.issueCode(verifierOf(first.authorizationUrl), "old@example.com"),
    );
    const old = await vault.get(customer("ana"));
    const second = await connect.start(customer("ana"));
    await connect.complete(
      second.state,
      oauth.issueCode(verifierOf(second.authorizationUrl), "new@example.com"),
    );
    const now = await vault.get(customer("ana"));
    expect(now?.email).toBe("new@example.com");
    expect(now?.tokens.refreshToken).not.toBe(old?.tokens.refreshToken ?? "");
    expect(oauth.revoked).toEqual([old?.tokens.refreshToken ?? "missing"]);
  });

  test("another account without a refresh token: missing_refresh_token, the old record untouched", async () => {
    const { connect, oauth, vault } = setUp();
    const first = await connect.start(customer("ana"));
    await connect.complete(
      first.state,
      oauth.issueCode(verifierOf(first.authorizationUrl), "old@example.com"),
    );
    const old = await vault.get(customer("ana"));
    const exchange = oauth.exchangeCode.bind(oauth);
    oauth.exchangeCode = async (code, verifier) => ({
      ...(await exchange(code, verifier)),
      refreshToken: null,
    });
    const second = await connect.start(customer("ana"));
    const code = oauth.issueCode(verifierOf(second.authorizationUrl), "new@example.com");
    await expect(connect.complete(second.state, code)).rejects.toMatchObject({
      code: "missing_refresh_token",
    });
    expect(await vault.get(customer("ana"))).toEqual(old);
    expect(oauth.revoked).toEqual([]);
  });

  test("a first connection without a refresh token is missing_refresh_token, nothing stored", async () => {
    const { connect, oauth, vault } = setUp();
    const exchange = oauth.exchangeCode.bind(oauth);
    oauth.exchangeCode = async (code, verifier) => ({
      ...(await exchange(code, verifier)),
      refreshToken: null,
    });
    const started = await connect.start(customer("ana"));
    const code = oauth.issueCode(verifierOf(started.authorizationUrl));
    await expect(connect.complete(started.state, code)).rejects.toMatchObject({
      code: "missing_refresh_token",
    });
    expect(await vault.get(customer("ana"))).toBeNull();
  });

  test("the replaced grant is kept when another customer holds the same account", async () => {
    const { connect, oauth, vault } = setUp();
    for (const who of ["ana", "bea"]) {
      const started = await connect.start(customer(who));
      await connect.complete(
        started.state,
        oauth.issueCode(verifierOf(started.authorizationUrl), "shared@example.com"),
      );
    }
    const again = await connect.start(customer("ana"));
    await connect.complete(
      again.state,
      oauth.issueCode(verifierOf(again.authorizationUrl), "own@example.com"),
    );
    expect(oauth.revoked).toEqual([]);
    expect((await vault.get(customer("bea")))?.email).toBe("shared@example.com");
  });
});
