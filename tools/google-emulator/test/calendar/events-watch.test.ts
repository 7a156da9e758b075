import { afterEach, describe, expect, test } from "bun:test";
import { channelsOf } from "../../src/calendar/watch-channels.ts";
import { BOB, testCalendar, timed } from "./calendar-test-kit.ts";

interface Received {
  headers: Record<string, string>;
  body: string;
}

const servers: Array<{ stop(force: boolean): unknown }> = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.stop(true);
});

function receiver(): { url: string; received: Received[] } {
  const received: Received[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: async (request) => {
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => {
        if (name.startsWith("x-goog-")) headers[name] = value;
      });
      received.push({ headers, body: await request.text() });
      return new Response(null, { status: 200 });
    },
  });
  servers.push(server);
  return { url: `http://127.0.0.1:${server.port}/google/notifications`, received };
}

async function until(check: () => boolean): Promise<void> {
  const started = Date.now();
  while (!check() && Date.now() - started < 5000) await Bun.sleep(10);
}

describe("events.watch and channels.stop", () => {
  test("watch answers api#channel, sends sync first, then exists per change with Google's headers", async () => {
    const { call } = testCalendar();
    const hooks = receiver();
    const before = Date.now();
    const watched = await call("POST", "/calendars/primary/events/watch", {
      body: {
        id: "chan-1",
        token: "secret-token",
        type: "web_hook",
        address: hooks.url,
        params: { ttl: "3600" },
      },
    });
    expect(watched.status).toBe(200);
    expect(watched.json).toMatchObject({
      kind: "api#channel",
      id: "chan-1",
      token: "secret-token",
      resourceUri: "https://www.googleapis.com/calendar/v3/calendars/ana%40example.com/events?alt=json",
    });
    const expiration = Number(watched.json.expiration);
    expect(expiration).toBeGreaterThanOrEqual(before + 3600_000);
    expect(expiration).toBeLessThan(Date.now() + 3600_000 + 1000);
    await until(() => hooks.received.length === 1);
    await call("POST", "/calendars/primary/events", {
      body: timed("2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z"),
    });
    await until(() => hooks.received.length === 2);
    expect(hooks.received.map((got) => got.headers)).toEqual(
      ["sync", "exists"].map((resourceState, index) => ({
        "x-goog-channel-id": "chan-1",
        "x-goog-channel-token": "secret-token",
        "x-goog-channel-expiration": new Date(expiration).toUTCString(),
        "x-goog-message-number": String(index + 1),
        "x-goog-resource-id": watched.json.resourceId,
        "x-goog-resource-state": resourceState,
        "x-goog-resource-uri": watched.json.resourceUri,
      })),
    );
    expect(hooks.received.map((got) => got.body)).toEqual(["", ""]);

    // A wrong resource id or an unknown token cannot stop it; the owner can, and then nothing more is sent.
    const stopBody = { id: "chan-1", resourceId: watched.json.resourceId };
    expect(
      (await call("POST", "/channels/stop", { body: stopBody, token: "ya29.never-issued" })).status,
    ).toBe(401);
    expect(
      (await call("POST", "/channels/stop", { body: { ...stopBody, resourceId: "other" } })).status,
    ).toBe(404);
    expect((await call("POST", "/channels/stop", { body: stopBody })).status).toBe(204);
    expect((await call("POST", "/channels/stop", { body: stopBody })).status).toBe(404);
    await call("POST", "/calendars/primary/events", {
      body: timed("2026-03-03T09:00:00Z", "2026-03-03T10:00:00Z"),
    });
    await Bun.sleep(100);
    expect(hooks.received).toHaveLength(2);
  });

  test("a channel on another account's calendar stays with it; Bob's token cannot stop Ana's channel", async () => {
    const { call, token, state } = testCalendar();
    const hooks = receiver();
    const watched = await call("POST", "/calendars/primary/events/watch", {
      body: { id: "chan-ana", type: "web_hook", address: hooks.url },
    });
    const stop = await call("POST", "/channels/stop", {
      body: { id: "chan-ana", resourceId: watched.json.resourceId },
      token: token(BOB),
    });
    expect(stop.status).toBe(404);
    expect(channelsOf(state).byId.has("chan-ana")).toBe(true);
    // Default lifetime: one week.
    expect(Number(watched.json.expiration) - Date.now()).toBeGreaterThan(604_800_000 - 5000);
  });

  test("bad channels are refused in Google's words: duplicate id, wrong type, plain HTTP off this machine, bad ttl", async () => {
    const { call } = testCalendar();
    const hooks = receiver();
    const watch = (body: Record<string, unknown>) =>
      call("POST", "/calendars/primary/events/watch", { body });
    expect((await watch({ id: "dup", type: "web_hook", address: hooks.url })).status).toBe(200);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ id: "dup", type: "web_hook", address: hooks.url }, "Channel id dup not unique"],
      [{ id: "c2", type: "email", address: hooks.url }, "Invalid channel type"],
      [
        { id: "c3", type: "web_hook", address: "http://example.com/hook" },
        "WebHook callback must be HTTPS: http://example.com/hook",
      ],
      [
        { id: "c4", type: "web_hook", address: hooks.url, params: { ttl: "soon" } },
        "Invalid ttl value: soon",
      ],
      [{ type: "web_hook", address: hooks.url }, "Required channel id"],
    ];
    for (const [body, message] of cases) {
      const answer = await watch(body);
      expect([answer.status, answer.json.error.message]).toEqual([400, message]);
    }
    const unauthenticated = await call("POST", "/calendars/primary/events/watch", {
      body: { id: "c5", type: "web_hook", address: hooks.url },
      token: null,
    });
    expect(unauthenticated.status).toBe(401);
  });
});
