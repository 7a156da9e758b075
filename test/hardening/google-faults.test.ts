import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parseCustomerId } from "../../src/domain/customer-id.ts";
import type { FaultRule } from "../../tools/google-emulator/src/emulator-state.ts";
import { type Stack, startStack } from "../e2e/e2e-fixtures.ts";
import { connect, outcomeOf, tool } from "./mcp-calls.ts";

/**
 * Google failing in every way the emulator can fail, through the real server: each fault gives a
 * clear tool error, retries stay bounded, no refresh token is lost, and only invalid_grant asks
 * the user to connect again.
 */

const CUSTOMER = "fault-user";
const TIMEOUT_MS = 1000;
/** Beyond GOOGLE_HTTP_TIMEOUT_MS: the emulator answers only after we gave up. */
const HANG_MS = 2500;
/** What compose.ts configures: three attempts for a refresh, three for a safe Calendar call. */
const TOKEN_ATTEMPTS = 3;
const CALENDAR_ATTEMPTS = 3;

const RATE_LIMIT_403 = JSON.stringify({
  error: {
    code: 403,
    message: "Rate Limit Exceeded",
    errors: [{ domain: "usageLimits", reason: "rateLimitExceeded", message: "Rate Limit Exceeded" }],
    status: "PERMISSION_DENIED",
  },
});

interface FaultCase {
  label: string;
  /** A refresh fault expires the stored access token first, so the call must refresh. */
  during: "refresh" | "calendar";
  rules: FaultRule[];
  outcome: "ok" | "google_unavailable" | "rate_limited";
  /** Requests the emulator saw at the faulted endpoint: bounded retries, or none. */
  attempts: number;
  retryAfter?: number;
}

const forever = 20;
const CASES: FaultCase[] = [
  {
    label: "token endpoint 500",
    during: "refresh",
    rules: [{ target: "token", status: 500, times: forever }],
    outcome: "google_unavailable",
    attempts: TOKEN_ATTEMPTS,
  },
  {
    label: "token endpoint 503 (HTML page)",
    during: "refresh",
    rules: [{ target: "token", status: 503, times: forever }],
    outcome: "google_unavailable",
    attempts: TOKEN_ATTEMPTS,
  },
  {
    label: "token endpoint hangs past the timeout",
    during: "refresh",
    rules: [{ target: "token", delayMs: HANG_MS, times: forever }],
    outcome: "google_unavailable",
    attempts: TOKEN_ATTEMPTS,
  },
  {
    label: "token endpoint 429",
    during: "refresh",
    rules: [{ target: "token", status: 429, times: forever }],
    outcome: "rate_limited",
    attempts: TOKEN_ATTEMPTS,
  },
  {
    label: "token endpoint 200 with malformed JSON",
    during: "refresh",
    rules: [{ target: "token", status: 200, body: '{"access_token": "x", ', times: forever }],
    outcome: "google_unavailable",
    attempts: 1,
  },
  {
    label: "token endpoint 200 without access_token",
    during: "refresh",
    rules: [{ target: "token", status: 200, body: '{"token_type":"Bearer"}', times: forever }],
    outcome: "google_unavailable",
    attempts: 1,
  },
  {
    label: "token endpoint 500 once, then fine",
    during: "refresh",
    rules: [{ target: "token", status: 500, times: 1 }],
    outcome: "ok",
    attempts: 2,
  },
  {
    label: "token endpoint hangs once, then fine",
    during: "refresh",
    rules: [{ target: "token", delayMs: HANG_MS, times: 1 }],
    outcome: "ok",
    attempts: 2,
  },
  {
    label: "Calendar 429",
    during: "calendar",
    rules: [{ target: "calendar", status: 429, times: forever }],
    outcome: "rate_limited",
    attempts: CALENDAR_ATTEMPTS,
    retryAfter: 10,
  },
  {
    label: "Calendar 403 rateLimitExceeded",
    during: "calendar",
    rules: [{ target: "calendar", status: 403, body: RATE_LIMIT_403, times: forever }],
    outcome: "rate_limited",
    attempts: CALENDAR_ATTEMPTS,
    retryAfter: 10,
  },
  {
    label: "Calendar 429 with Retry-After: 120",
    during: "calendar",
    rules: [{ target: "calendar", status: 429, headers: { "Retry-After": "120" }, times: forever }],
    outcome: "rate_limited",
    attempts: 1,
    retryAfter: 120,
  },
  {
    label: "Calendar 500",
    during: "calendar",
    rules: [{ target: "calendar", status: 500, times: forever }],
    outcome: "google_unavailable",
    attempts: CALENDAR_ATTEMPTS,
  },
  {
    label: "Calendar 503 once, then fine",
    during: "calendar",
    rules: [{ target: "calendar", status: 503, times: 1 }],
    outcome: "ok",
    attempts: 2,
  },
  {
    label: "Calendar 200 with malformed JSON",
    during: "calendar",
    rules: [{ target: "calendar", status: 200, body: '{"items": [', times: forever }],
    outcome: "google_unavailable",
    attempts: 1,
  },
  {
    label: "Calendar hangs past the timeout",
    during: "calendar",
    rules: [{ target: "calendar", delayMs: HANG_MS, times: forever }],
    outcome: "google_unavailable",
    attempts: 1,
  },
];

describe("Google faults through the real server", () => {
  let stack: Stack;
  let originalRefreshToken = "";
  /** Cases that passed, for the summary line. */
  const seen: string[] = [];

  beforeAll(async () => {
    stack = await startStack("sqlite", {
      GOOGLE_HTTP_TIMEOUT_MS: String(TIMEOUT_MS),
      CALENDAR_SERVER_RATE_LIMIT_PER_CUSTOMER: "0",
    });
    await connect(stack, CUSTOMER);
    originalRefreshToken = (await storedTokens(CUSTOMER)).refreshToken ?? "";
    expect(originalRefreshToken).not.toBe("");
  });
  afterAll(async () => {
    console.log(
      `google faults: ${seen.length} fault cases passed, 0 refresh tokens lost, ` +
        "reauthorization_required only on invalid_grant",
    );
    await stack.stop();
  });

  async function storedTokens(customer: string) {
    const connection = await stack.server.composed.storage.vault.get(parseCustomerId(customer));
    if (connection === null) throw new Error(`${customer} has no stored connection`);
    return { ...connection.tokens, state: connection.state.kind };
  }

  function attemptsAt(during: FaultCase["during"]): number {
    const counters = stack.emulator.state.counters;
    return during === "refresh"
      ? counters.tokenRequests
      : (counters.calendarCalls.get("calendarList.list") ?? 0);
  }

  for (const fault of CASES) {
    test(`${fault.label} → ${fault.outcome}, ${fault.attempts} attempt(s), nothing lost`, async () => {
      // Expire our copy of the access token so the call must refresh (or keep it fresh for Calendar).
      stack.clock.advance(fault.during === "refresh" ? 2 * 3600_000 : 0);
      if (fault.during === "calendar") await tool(stack, "calendar_status", { customer_id: CUSTOMER });
      const before = attemptsAt(fault.during);
      stack.emulator.state.faults = fault.rules.map((rule) => ({ ...rule }));
      const result = await tool(stack, "list_calendars", { customer_id: CUSTOMER });
      stack.emulator.state.faults = [];
      // Requests we abandoned at the deadline still reach the emulator once their delay ends;
      // let them land now, or they would be counted against the steps below.
      const abandonedFor = Math.max(0, ...fault.rules.map((rule) => rule.delayMs ?? 0));
      if (abandonedFor > 0) await Bun.sleep(abandonedFor + 200);

      expect(outcomeOf(result)).toBe(fault.outcome);
      expect(attemptsAt(fault.during) - before).toBe(fault.attempts);
      const error = result.structuredContent?.error;
      if (fault.outcome === "rate_limited") {
        expect(error?.retry_after_seconds).toBe(fault.retryAfter ?? 10);
        expect(result.content?.[0]?.text).toContain("Retry after");
      }
      if (fault.outcome !== "ok") expect(String(error?.message)).not.toMatch(/undefined|\[object/);

      // Nothing lost: still connected, with the very refresh token Google issued at consent.
      const stored = await storedTokens(CUSTOMER);
      expect(stored.state).toBe("connected");
      expect(stored.refreshToken).toBe(originalRefreshToken);
      expect(stack.emulator.state.refreshTokens.get(originalRefreshToken)?.revoked).toBe(false);
      const status = await tool(stack, "calendar_status", { customer_id: CUSTOMER });
      expect(status.structuredContent).toMatchObject({ connected: true });

      // Once Google recovers the same refresh token works again.
      stack.clock.advance(2 * 3600_000);
      const refreshesBefore = stack.emulator.state.counters.refreshes;
      expect(outcomeOf(await tool(stack, "list_calendars", { customer_id: CUSTOMER }))).toBe("ok");
      expect(stack.emulator.state.counters.refreshes - refreshesBefore).toBe(1);
      seen.push(fault.label);
    }, 15_000);
  }

  test("invalid_grant, and only invalid_grant, gives reauthorization_required: one attempt, record kept", async () => {
    await connect(stack, "grant-user");
    const granted = (await storedTokens("grant-user")).refreshToken;
    stack.clock.advance(2 * 3600_000);
    const before = stack.emulator.state.counters.tokenRequests;
    const body = JSON.stringify({
      error: "invalid_grant",
      error_description: "Token has been expired or revoked.",
    });
    stack.emulator.state.faults = [{ target: "token", status: 400, body, times: forever }];
    const result = await tool(stack, "list_calendars", { customer_id: "grant-user" });
    stack.emulator.state.faults = [];

    expect(outcomeOf(result)).toBe("reauthorization_required");
    expect(stack.emulator.state.counters.tokenRequests - before).toBe(1);
    expect(String(result.structuredContent?.error?.authorization_url)).toContain("state=");
    const status = await tool(stack, "calendar_status", { customer_id: "grant-user" });
    expect(status.structuredContent).toMatchObject({ connected: false, reason: "reauthorization_required" });
    // Kept, so a disconnect can still revoke it at Google.
    expect((await storedTokens("grant-user")).refreshToken).toBe(granted);
    seen.push("invalid_grant");
  });

  test("the token endpoint failing during the code exchange: one attempt, 502, nothing stored", async () => {
    const started = await tool(stack, "connect_calendar", { customer_id: "exchange-user" });
    const atGoogle = await fetch(String(started.structuredContent?.authorization_url), {
      redirect: "manual",
    });
    const callback = atGoogle.headers.get("location") ?? "";
    const before = stack.emulator.state.counters.tokenRequests;
    stack.emulator.state.faults = [{ target: "token", status: 500, times: forever }];
    const answer = await fetch(callback, { headers: { accept: "application/json" } });
    stack.emulator.state.faults = [];
    expect(answer.status).toBe(502);
    expect(await answer.json()).toMatchObject({ error: { code: "google_unavailable" } });
    // A code is single-use: it is never retried.
    expect(stack.emulator.state.counters.tokenRequests - before).toBe(1);
    expect(await stack.server.composed.storage.vault.get(parseCustomerId("exchange-user"))).toBeNull();
    await connect(stack, "exchange-user");
    seen.push("code exchange 500");
  });
});
