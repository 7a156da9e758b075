import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import type { DomainError } from "../../src/domain/errors.ts";
import { calendarServer } from "../adapters/google/calendar-emulator-server.ts";

/**
 * Answers from Google that look fine at the HTTP level but cannot be trusted: each must fail
 * closed (google_unavailable), never pass for "free" or for an event without an id. Ids a URL
 * would resolve away must not look like an outage either.
 */

const emulator = calendarServer();
const { gateway, state } = emulator;
let token = emulator.issueToken();

afterAll(() => emulator.stop());
beforeEach(() => {
  state.faults = [];
  token = emulator.issueToken();
});

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    return error as DomainError;
  }
  throw new Error("expected the call to fail");
}

const slot = {
  summary: "Cut",
  start: { dateTime: "2026-05-04T10:00:00Z" },
  end: { dateTime: "2026-05-04T11:00:00Z" },
};

describe("untrustworthy Google answers fail closed", () => {
  for (const [label, period] of [
    ["unparseable start", { start: "yesterday-ish", end: "2026-05-04T11:00:00Z" }],
    ["unparseable end", { start: "2026-05-04T10:00:00Z", end: "2026-13-45T99:00:00Z" }],
    ["missing times", {}],
  ] as const) {
    test(`free/busy with ${label} is google_unavailable, not free`, async () => {
      state.faults = [
        {
          target: "calendar:freebusy.query",
          status: 200,
          body: JSON.stringify({ kind: "calendar#freeBusy", calendars: { primary: { busy: [period] } } }),
          times: 1,
        },
      ];
      const error = await failure(
        gateway.freeBusy(token, {
          timeMin: new Date("2026-05-04T00:00:00Z"),
          timeMax: new Date("2026-05-05T00:00:00Z"),
          calendarIds: ["primary"],
        }),
      );
      expect(error.code).toBe("google_unavailable");
    });
  }

  test('an insert answered without an id is google_unavailable, not event_id ""', async () => {
    state.faults = [
      {
        target: "calendar:events.insert",
        status: 200,
        body: JSON.stringify({ kind: "calendar#event", status: "confirmed", summary: "Cut" }),
        times: 1,
      },
    ];
    const error = await failure(gateway.insertEvent(token, "primary", slot, {}));
    expect(error.code).toBe("google_unavailable");
  });

  for (const id of [".", ".."]) {
    test(`event id "${id}" is not_found for get, patch and delete, and reaches no Google endpoint`, async () => {
      state.resetCounters();
      for (const call of [
        gateway.getEvent(token, "primary", id),
        gateway.patchEvent(token, "primary", id, { summary: "x" }, {}),
        gateway.deleteEvent(token, "primary", id, {}),
      ]) {
        expect((await failure(call)).code).toBe("not_found");
      }
      expect(state.counters.calendarCalls.size).toBe(0);
    });

    test(`calendar id "${id}" is not_found for a listing and an insert`, async () => {
      expect((await failure(gateway.listEvents(token, id, {}))).code).toBe("not_found");
      expect((await failure(gateway.insertEvent(token, id, slot, {}))).code).toBe("not_found");
    });
  }
});
