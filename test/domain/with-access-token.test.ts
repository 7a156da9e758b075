import { describe, expect, test } from "bun:test";
import { DomainError } from "../../src/domain/errors.ts";
import { withAccessToken } from "../../src/domain/services/with-access-token.ts";
import { CUSTOMER, calendarWorld, codeOf } from "./calendar-fixtures.ts";
import { customer } from "./connection-fixtures.ts";

describe("withAccessToken", () => {
  test("a 401 refreshes the token once and retries the call once", async () => {
    const { listCalendars, calendar, oauth, accessToken } = await calendarWorld();
    calendar.rejectToken(accessToken);
    const { calendars } = await listCalendars.execute(CUSTOMER);
    expect(calendars).toHaveLength(1);
    expect(oauth.refreshCalls).toBe(1);
    expect(calendar.callCount("listCalendars")).toBe(2);
  });

  test("a second 401 in a row is not retried again", async () => {
    const { tokens, oauth } = await calendarWorld();
    let calls = 0;
    const rejected = new DomainError("google_token_rejected", "401");
    const code = await codeOf(
      withAccessToken(tokens, CUSTOMER, async () => {
        calls += 1;
        throw rejected;
      }),
    );
    expect(code).toBe("google_token_rejected");
    expect(calls).toBe(2);
    expect(oauth.refreshCalls).toBe(1);
  });

  test("other errors are not retried", async () => {
    const { listCalendars, calendar, oauth } = await calendarWorld();
    calendar.failNext("listCalendars", new DomainError("google_unavailable", "503"));
    expect(await codeOf(listCalendars.execute(CUSTOMER))).toBe("google_unavailable");
    expect(calendar.callCount("listCalendars")).toBe(1);
    expect(oauth.refreshCalls).toBe(0);
  });

  test("a revoked grant turns a 401 into reauthorization_required", async () => {
    const { listCalendars, calendar, oauth, accessToken } = await calendarWorld();
    oauth.revokeAll();
    calendar.rejectToken(accessToken);
    expect(await codeOf(listCalendars.execute(CUSTOMER))).toBe("reauthorization_required");
  });

  test("a customer who never connected gets calendar_not_connected", async () => {
    const { listCalendars, calendar } = await calendarWorld();
    expect(await codeOf(listCalendars.execute(customer("stranger")))).toBe("calendar_not_connected");
    expect(calendar.callCount()).toBe(0);
  });
});
