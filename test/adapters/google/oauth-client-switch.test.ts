import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ArcticGoogleOAuthProvider } from "../../../src/adapters/google/arctic-oauth-provider.ts";
import { SystemClock } from "../../../src/adapters/system/system-clock.ts";
import { DomainError } from "../../../src/domain/errors.ts";
import {
  type RunningGoogleEmulator,
  startGoogleEmulator,
} from "../../../tools/google-emulator/src/google-emulator.ts";
import { issueRefreshToken } from "../../../tools/google-emulator/src/oauth/grants.ts";

/**
 * Switching OAuth clients (e.g. to one created for AI agents): Google binds a refresh token to the
 * client that obtained it, so a grant of the old client refreshes only with the old client's
 * credentials — which the provider holds while GOOGLE_OAUTH_PREVIOUS_CLIENTS names them.
 */
const OLD = { clientId: "old-client.apps.googleusercontent.com", clientSecret: "old-secret" };
const NEW = { clientId: "agentic-client.apps.googleusercontent.com", clientSecret: "agentic-secret" };

describe("refreshing a grant of a previous OAuth client", () => {
  let emulator: RunningGoogleEmulator;
  let oldGrant: string;

  beforeAll(async () => {
    emulator = await startGoogleEmulator({
      clients: [
        { ...OLD, redirectUris: [] },
        { ...NEW, redirectUris: [] },
      ],
      accounts: [{ email: "ana@example.com" }],
    });
    oldGrant = issueRefreshToken(emulator.state, {
      clientId: OLD.clientId,
      email: "ana@example.com",
      scopes: ["openid", "https://www.googleapis.com/auth/calendar.events"],
      grantId: crypto.randomUUID(),
    }).token;
  });
  afterAll(async () => {
    await emulator.stop();
  });

  function provider(previousClients: Array<typeof OLD>): ArcticGoogleOAuthProvider {
    return new ArcticGoogleOAuthProvider(
      {
        ...NEW,
        redirectUri: "http://127.0.0.1/oauth/callback",
        authUrl: `${emulator.url}/o/oauth2/v2/auth`,
        tokenUrl: `${emulator.url}/token`,
        revokeUrl: `${emulator.url}/revoke`,
        scopes: ["openid"],
        timeoutMs: 2000,
        retry: { attempts: 1, baseDelayMs: 10, maxDelayMs: 10 },
        previousClients,
      },
      new SystemClock(),
    );
  }

  test("with the old client kept as a previous client, it refreshes with the old client's credentials", async () => {
    const granted = await provider([OLD]).refresh(oldGrant, OLD.clientId);
    expect(granted.accessToken).toMatch(/^ya29\./);
    expect(granted.clientId).toBe(OLD.clientId);
    expect(emulator.state.accessTokens.get(granted.accessToken)?.clientId).toBe(OLD.clientId);
  });

  test("the new client's credentials cannot refresh the old client's grant (why the client is recorded)", async () => {
    const error = await provider([OLD])
      .refresh(oldGrant, NEW.clientId)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("reauthorization_required");
  });

  test("without it, the grant is oauth_client_changed and Google is not asked", async () => {
    const before = emulator.state.counters.tokenRequests;
    const error = await provider([])
      .refresh(oldGrant, OLD.clientId)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("reauthorization_required");
    expect((error as DomainError).details).toMatchObject({ reason: "oauth_client_changed" });
    expect(emulator.state.counters.tokenRequests).toBe(before);
  });
});
