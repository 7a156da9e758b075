import { describe, expect, test } from "bun:test";
import { DomainError } from "../../src/domain/errors.ts";
import { clientStanding, type OAuthClients } from "../../src/domain/oauth-clients.ts";
import { ConnectCalendar } from "../../src/domain/services/connect-calendar.ts";
import { GetConnectionStatus } from "../../src/domain/services/get-connection-status.ts";
import { RefreshToken } from "../../src/domain/services/refresh-token.ts";
import { aConnection, customer, fakeWorld } from "./connection-fixtures.ts";

const OLD = "old-client.apps.googleusercontent.com";
const AGENTIC = "agentic-client.apps.googleusercontent.com";

describe("switching OAuth clients", () => {
  test("a grant's standing: the configured client, a previous one still honoured, or a changed one", () => {
    const clients: OAuthClients = { current: AGENTIC, stillUsable: [OLD] };
    expect(clientStanding(AGENTIC, clients)).toBe("current");
    expect(clientStanding(OLD, clients)).toBe("previous");
    expect(clientStanding("other.apps.googleusercontent.com", clients)).toBe("changed");
    // Records from before clients were recorded are taken to be the configured client's.
    expect(clientStanding(null, clients)).toBe("current");
    expect(clientStanding(OLD, { current: AGENTIC, stillUsable: [] })).toBe("changed");
  });

  async function world(clients: OAuthClients, expiresInMs: number) {
    const fakes = fakeWorld();
    const code = fakes.oauth.issueCode("verifier");
    const granted = await fakes.oauth.exchangeCode(code, "verifier");
    const base = aConnection({ oauthClientId: OLD });
    await fakes.vault.put({
      ...base,
      tokens: {
        ...base.tokens,
        refreshToken: granted.refreshToken,
        expiresAt: new Date(fakes.clock.now().getTime() + expiresInMs),
      },
    });
    return {
      ...fakes,
      refresh: new RefreshToken({ ...fakes, clients }),
      status: new GetConnectionStatus({ vault: fakes.vault, clients }),
    };
  }

  test("a grant of a client no longer used: every call says reauthorization_required, reason oauth_client_changed", async () => {
    const { refresh, status, oauth } = await world({ current: AGENTIC, stillUsable: [] }, 3600_000);
    const error = await refresh.execute(customer()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("reauthorization_required");
    expect((error as DomainError).details).toMatchObject({ reason: "oauth_client_changed" });
    // Even a token that is still fresh is not handed out: it would act through the old client.
    expect(oauth.refreshCalls).toBe(0);
    expect(await status.execute(customer())).toMatchObject({
      connected: false,
      reason: "oauth_client_changed",
      oauthClient: "changed",
    });
  });

  test("during the migration window the old grant keeps working, refreshed with the old client", async () => {
    const { refresh, status, oauth, vault } = await world({ current: AGENTIC, stillUsable: [OLD] }, -1000);
    const token = await refresh.execute(customer());
    expect(token.accessToken).not.toBe("access-initial");
    expect(oauth.refreshClientIds).toEqual([OLD]);
    expect((await vault.get(customer()))?.oauthClientId).toBe(OLD);
    expect(await status.execute(customer())).toMatchObject({ connected: true, oauthClient: "previous" });
  });

  test("a new consent records the configured client", async () => {
    const fakes = fakeWorld();
    const connect = new ConnectCalendar(fakes);
    const started = await connect.start(customer());
    const verifier = new URL(started.authorizationUrl).searchParams.get("verifier_for_tests") ?? "";
    await connect.complete(started.state, fakes.oauth.issueCode(verifier));
    expect((await fakes.vault.get(customer()))?.oauthClientId).toBe(fakes.oauth.clientId);
  });
});
