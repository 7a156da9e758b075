import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ArcticGoogleOAuthProvider } from "../../src/adapters/google/arctic-oauth-provider.ts";
import { GoogleCalendarGateway } from "../../src/adapters/google/google-calendar-gateway.ts";
import { type DomainError, isDomainError } from "../../src/domain/errors.ts";
import {
  type RunningGoogleEmulator,
  startGoogleEmulator,
} from "../../tools/google-emulator/src/google-emulator.ts";
import { CLIENT_ID, CLIENT_SECRET } from "../e2e/e2e-fixtures.ts";
import { FixedClock } from "../fakes/fixed-clock.ts";

/**
 * Every call to Google has a deadline: against an emulator that never answers (a 60 s delay),
 * each adapter gives up with google_unavailable. The tests' own 5 s limit is what proves the
 * deadline holds; no assertion measures time.
 */

const TIMEOUT_MS = 200;
const HANG = { delayMs: 60_000, times: 100 };

async function failure(work: () => Promise<unknown>): Promise<DomainError> {
  const error = await work().then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!isDomainError(error)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

describe("outbound calls time out", () => {
  let emulator: RunningGoogleEmulator;
  let oauth: ArcticGoogleOAuthProvider;
  let calendar: GoogleCalendarGateway;

  beforeAll(async () => {
    emulator = await startGoogleEmulator({
      clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [] }],
    });
    oauth = new ArcticGoogleOAuthProvider(
      {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUri: "http://127.0.0.1:1/oauth/callback",
        authUrl: `${emulator.url}/o/oauth2/v2/auth`,
        tokenUrl: `${emulator.url}/token`,
        revokeUrl: `${emulator.url}/revoke`,
        scopes: ["openid"],
        timeoutMs: TIMEOUT_MS,
        retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 100 },
      },
      new FixedClock(),
    );
    calendar = new GoogleCalendarGateway({
      rootUrl: `${emulator.url}/`,
      timeoutMs: TIMEOUT_MS,
      retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 100 },
    });
  });
  afterAll(async () => {
    // Force-closes the connections the emulator is still holding open.
    await emulator.stop();
  });

  test("OAuth code exchange: google_unavailable, tried once", async () => {
    emulator.state.faults = [{ target: "token", ...HANG }];
    const before = emulator.state.counters.tokenRequests;
    const error = await failure(() => oauth.exchangeCode("4/0AanRRrtCode", "verifier".repeat(6)));
    expect(error.code).toBe("google_unavailable");
    expect(error.message).toContain(`within ${TIMEOUT_MS} ms`);
    expect(emulator.state.counters.tokenRequests - before).toBe(1);
  }, 5_000);

  test("OAuth refresh: google_unavailable after its bounded retries", async () => {
    emulator.state.faults = [{ target: "token", ...HANG }];
    const before = emulator.state.counters.tokenRequests;
    const error = await failure(() => oauth.refresh("1//refresh-token"));
    expect(error.code).toBe("google_unavailable");
    expect(error.message).toContain(`within ${TIMEOUT_MS} ms`);
    expect(emulator.state.counters.tokenRequests - before).toBe(2);
  }, 5_000);

  test("OAuth revoke: google_unavailable", async () => {
    emulator.state.faults = [{ target: "revoke", ...HANG }];
    const error = await failure(() => oauth.revoke("1//refresh-token"));
    expect(error.code).toBe("google_unavailable");
    expect(error.message).toContain(`within ${TIMEOUT_MS} ms`);
  }, 5_000);

  test("Calendar: google_unavailable, not retried after its own timeout", async () => {
    emulator.state.faults = [{ target: "calendar", ...HANG }];
    const before = emulator.state.counters.calendarCalls.get("calendarList.list") ?? 0;
    const error = await failure(() => calendar.listCalendars("ya29.token"));
    expect(error.code).toBe("google_unavailable");
    expect(error.message).toContain(`within ${TIMEOUT_MS} ms`);
    expect((emulator.state.counters.calendarCalls.get("calendarList.list") ?? 0) - before).toBe(1);
    const insert = await failure(() =>
      calendar.insertEvent(
        "ya29.token",
        "primary",
        { summary: "x", start: { date: "2026-03-10" }, end: { date: "2026-03-11" } },
        {},
      ),
    );
    expect(insert.code).toBe("google_unavailable");
  }, 5_000);
});
