/**
 * The real `@googleapis/calendar` client (gaxios underneath) against the emulator over HTTP.
 * The bearer token goes in the client's global `headers` option: no google-auth-library client
 * is needed for a token the caller already holds.
 */

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { calendar, type calendar_v3 } from "@googleapis/calendar";
import { ANA, testCalendar } from "./calendar-test-kit.ts";

const kit = testCalendar();
let server: ReturnType<typeof Bun.serve>;
let client: calendar_v3.Calendar;

beforeAll(() => {
  server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: kit.app.fetch });
  client = calendar({
    version: "v3",
    rootUrl: `http://127.0.0.1:${server.port}/`,
    headers: { Authorization: `Bearer ${kit.token()}` },
    // Fault tests below must see the first answer, not gaxios' automatic retries.
    retry: false,
  });
});

afterAll(async () => {
  await server.stop(true);
});

/** The rejection of `promise`, which must reject. */
async function failure(
  promise: Promise<unknown>,
): Promise<{ status?: number; response?: { data: unknown } }> {
  try {
    await promise;
  } catch (error) {
    return error as { status?: number; response?: { data: unknown } };
  }
  throw new Error("expected the call to fail");
}

const hour = (h: number): string => `2024-05-06T${String(h).padStart(2, "0")}:00:00Z`;

describe("@googleapis/calendar against the emulator", () => {
  test("insert with a client id; a duplicate surfaces as status 409", async () => {
    const requestBody = {
      id: "gapiclient01",
      summary: "Client",
      start: { dateTime: hour(9) },
      end: { dateTime: hour(10) },
    };
    const created = await client.events.insert({ calendarId: "primary", requestBody, sendUpdates: "none" });
    expect(created.status).toBe(200);
    expect(created.data.id).toBe("gapiclient01");
    expect(created.data.organizer?.email).toBe(ANA);
    const duplicate = await failure(client.events.insert({ calendarId: "primary", requestBody }));
    expect(duplicate.status).toBe(409);
    expect(duplicate.response?.data).toMatchObject({
      error: { code: 409, errors: [{ reason: "duplicate" }] },
    });
  });

  test("list with singleEvents and orderBy=startTime expands a series", async () => {
    await client.events.insert({
      calendarId: "primary",
      requestBody: {
        id: "gapiseries1",
        summary: "Daily",
        start: { dateTime: "2024-05-07T09:00:00", timeZone: "Europe/Madrid" },
        end: { dateTime: "2024-05-07T09:30:00", timeZone: "Europe/Madrid" },
        recurrence: ["RRULE:FREQ=DAILY;COUNT=3"],
      },
    });
    const list = await client.events.list({
      calendarId: "primary",
      timeMin: "2024-05-06T00:00:00Z",
      timeMax: "2024-05-10T00:00:00Z",
      singleEvents: true,
      orderBy: "startTime",
      maxResults: 10,
    });
    expect(list.data.kind).toBe("calendar#events");
    expect(list.data.items?.map((e) => e.id)).toEqual([
      "gapiclient01",
      "gapiseries1_20240507T070000Z",
      "gapiseries1_20240508T070000Z",
      "gapiseries1_20240509T070000Z",
    ]);
    const refused = await failure(client.events.list({ calendarId: "primary", orderBy: "startTime" }));
    expect(refused.status).toBe(400);
  });

  test("patch with a stale If-Match is 412; with the current etag it succeeds", async () => {
    const before = await client.events.get({ calendarId: "primary", eventId: "gapiclient01" });
    await client.events.patch({
      calendarId: "primary",
      eventId: "gapiclient01",
      requestBody: { summary: "v2" },
    });
    const stale = await failure(
      client.events.patch(
        { calendarId: "primary", eventId: "gapiclient01", requestBody: { summary: "v3" } },
        { headers: { "If-Match": before.data.etag ?? "" } },
      ),
    );
    expect(stale.status).toBe(412);
    const current = await client.events.get({ calendarId: "primary", eventId: "gapiclient01" });
    const ok = await client.events.patch(
      { calendarId: "primary", eventId: "gapiclient01", requestBody: { summary: "v3" } },
      { headers: { "If-Match": current.data.etag ?? "" } },
    );
    expect(ok.data.summary).toBe("v3");
  });

  test("delete answers 204, then 410 deleted", async () => {
    const deleted = await client.events.delete({ calendarId: "primary", eventId: "gapiclient01" });
    expect(deleted.status).toBe(204);
    const again = await failure(client.events.delete({ calendarId: "primary", eventId: "gapiclient01" }));
    expect(again.status).toBe(410);
    const got = await client.events.get({ calendarId: "primary", eventId: "gapiclient01" });
    expect(got.data.status).toBe("cancelled");
  });

  test("freeBusy and calendarList", async () => {
    const fb = await client.freebusy.query({
      requestBody: {
        timeMin: "2024-05-07T00:00:00Z",
        timeMax: "2024-05-08T00:00:00Z",
        items: [{ id: "primary" }],
      },
    });
    expect(fb.data.calendars?.primary?.busy).toEqual([
      { start: "2024-05-07T07:00:00Z", end: "2024-05-07T07:30:00Z" },
    ]);
    const list = await client.calendarList.list();
    expect(list.data.items?.[0]).toMatchObject({ id: ANA, primary: true, timeZone: "Europe/Madrid" });
  });

  test("an unknown token and an injected rate limit surface with Google's statuses", async () => {
    const stranger = calendar({ version: "v3", rootUrl: `http://127.0.0.1:${server.port}/`, retry: false });
    const unauthenticated = await failure(
      stranger.events.list({ calendarId: "primary" }, { headers: { Authorization: "Bearer ya29.nope" } }),
    );
    expect(unauthenticated.status).toBe(401);
    kit.state.faults.push({ target: "calendar:events.list", status: 429, times: 1 });
    const limited = await failure(client.events.list({ calendarId: "primary" }));
    expect(limited.status).toBe(429);
  });
});
