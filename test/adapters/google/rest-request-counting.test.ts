import { afterAll, describe, expect, test } from "bun:test";
import { GoogleCalendarGateway } from "../../../src/adapters/google/google-calendar-gateway.ts";
import type { GoogleCall } from "../../../src/adapters/google/google-call-observer.ts";
import { calendarServer } from "./calendar-emulator-server.ts";

const emulator = calendarServer();
afterAll(() => emulator.stop());

describe("GoogleCalendarGateway reports each call with backend rest and its API method", () => {
  test("reads and writes are labelled for google_requests_total", async () => {
    const seen: GoogleCall[] = [];
    const gateway = new GoogleCalendarGateway({
      rootUrl: `http://127.0.0.1:${emulator.server.port}/`,
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      observe: (call) => seen.push(call),
    });
    const token = emulator.issueToken();
    await gateway.listCalendars(token);
    const event = await gateway.insertEvent(
      token,
      "primary",
      { summary: "x", start: { date: "2026-03-10" }, end: { date: "2026-03-11" } },
      {},
    );
    await gateway.deleteEvent(token, "primary", event.id, {});
    expect(seen.map((call) => [call.api, call.backend, call.operation])).toEqual([
      ["calendar", "rest", "calendarList.list"],
      ["calendar", "rest", "events.insert"],
      ["calendar", "rest", "events.delete"],
    ]);
  });
});
