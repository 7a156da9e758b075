import { afterEach, describe, expect, test } from "bun:test";
import { newWebhookSecret } from "../../src/adapters/webhooks/webhook-signature.ts";
import { parseCustomerId } from "../../src/domain/customer-id.ts";
import { parseTimeInput } from "../../src/domain/event-times.ts";
import { channelsOf } from "../../tools/google-emulator/src/calendar/watch-channels.ts";
import { issueAccessToken } from "../../tools/google-emulator/src/oauth/grants.ts";
import { consent, type Stack, startStack } from "./e2e-fixtures.ts";
import { type ReceivedWebhook, startReceiver, type TestReceiver } from "./webhook-receiver-fixture.ts";

const EMAIL = "ana.garcia@example.com";
const CUSTOMER = "user-123";

let stack: Stack | null = null;
let receiver: TestReceiver | null = null;
afterEach(async () => {
  await stack?.stop();
  receiver?.stop();
  stack = null;
  receiver = null;
});

/** The server with webhooks on, the receiver listening, and the customer connected. */
async function connected(
  storage: "sqlite" | "encrypted_file" = "sqlite",
): Promise<{ stack: Stack; receiver: TestReceiver; secret: string }> {
  const secret = newWebhookSecret();
  receiver = startReceiver(secret);
  stack = await startStack(storage, {
    CALENDAR_SERVER_WEBHOOK_URL: receiver.url,
    CALENDAR_SERVER_WEBHOOK_SECRET: secret,
  });
  const authorize = await stack.call("/oauth/authorize", {
    method: "POST",
    body: JSON.stringify({ customer_id: CUSTOMER }),
  });
  const { authorization_url } = (await authorize.json()) as { authorization_url: string };
  expect((await consent(authorization_url)).status).toBe(200);
  // Following the calendar starts in the background: wait for its channel.
  await until(() => channelsOf(stack?.emulator.state as never).byId.size === 1);
  return { stack, receiver, secret };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error("condition not met in time");
    await Bun.sleep(20);
  }
}

/** Google Calendar used directly (the user in their calendar app), not through our server. */
function atGoogle(
  s: Stack,
): (method: string, path: string, body?: unknown) => Promise<Record<string, unknown>> {
  const token = issueAccessToken(s.emulator.state, {
    clientId: "calendar-app",
    email: EMAIL,
    scopes: ["https://www.googleapis.com/auth/calendar"],
    grantId: crypto.randomUUID(),
  }).token;
  return async (method, path, body) => {
    const response = await fetch(`${s.emulator.url}/calendar/v3/calendars/primary/events${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return response.status === 204 ? {} : ((await response.json()) as Record<string, unknown>);
  };
}

const ofType = (type: string) => (webhook: ReceivedWebhook) => webhook.body.type === type;

describe("webhooks end to end against the Google emulator", () => {
  test("connect → connection.connected, signed and verifiable, with the account and granted scopes", async () => {
    const { receiver, stack } = await connected();
    const [webhook] = await receiver.waitFor(ofType("connection.connected"));
    expect(webhook?.verified).toBe(true);
    expect(webhook?.id).toMatch(/^msg_/);
    expect(Math.abs((webhook?.timestamp ?? 0) - Date.now() / 1000)).toBeLessThan(30);
    expect(webhook?.body).toMatchObject({
      type: "connection.connected",
      customer_id: CUSTOMER,
      data: { email: EMAIL },
    });
    expect(webhook?.body.data.scopes).toContain("https://www.googleapis.com/auth/calendar.events");
    // /metrics counts it by type and outcome, and shows the outbox.
    const delivered =
      'mcp_calendar_webhook_deliveries_total{type="connection.connected",outcome="delivered"} 1';
    let metrics = "";
    for (let i = 0; i < 50 && !metrics.includes(delivered); i += 1) {
      metrics = await (await stack.call("/metrics")).text();
      await Bun.sleep(20);
    }
    expect(metrics).toContain(delivered);
    expect(metrics).toContain('mcp_calendar_webhook_outbox_depth{status="pending"}');
    expect(metrics).toContain("mcp_calendar_webhook_oldest_pending_age_seconds");
  });

  test("an event created, moved and deleted at Google arrives as calendar.events_changed within seconds", async () => {
    const { stack, receiver } = await connected();
    const google = atGoogle(stack);
    const created = await google("POST", "", {
      summary: "Dentist",
      start: { dateTime: "2026-03-10T15:00:00+01:00" },
      end: { dateTime: "2026-03-10T16:00:00+01:00" },
    });
    const started = Date.now();
    const [first] = await receiver.waitFor(ofType("calendar.events_changed"), 1, 5000);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(first?.verified).toBe(true);
    expect(first?.body.data).toEqual({
      calendar_id: "primary",
      changes: [
        {
          change: "created",
          event_id: created.id,
          summary: "Dentist",
          start: { date_time: "2026-03-10T15:00:00+01:00" },
          end: { date_time: "2026-03-10T16:00:00+01:00" },
          status: "confirmed",
          updated: created.updated,
        },
      ],
    });
    await google("PATCH", `/${created.id}`, {
      start: { dateTime: "2026-03-10T17:00:00+01:00" },
      end: { dateTime: "2026-03-10T18:00:00+01:00" },
    });
    await receiver.waitFor(ofType("calendar.events_changed"), 2, 5000);
    await google("DELETE", `/${created.id}`);
    const all = await receiver.waitFor(ofType("calendar.events_changed"), 3, 5000);
    const changes = all.flatMap((webhook) => webhook.body.data.changes);
    expect(changes.map((change: { change: string }) => change.change)).toEqual([
      "created",
      "updated",
      "cancelled",
    ]);
    expect(changes[1].start).toEqual({ date_time: "2026-03-10T17:00:00+01:00" });
    // A cancelled event is reported with what we knew of it (Google's stub carries only its id).
    expect(changes[2]).toMatchObject({ event_id: created.id, summary: "Dentist", status: "cancelled" });
    expect(new Set(all.map((webhook) => webhook.id)).size).toBe(all.length);
  });

  test("a booking made through our own tool is reported with origin this_server", async () => {
    const { stack, receiver } = await connected();
    const booked = await stack.server.composed.services.bookEvent.execute(parseCustomerId(CUSTOMER), {
      summary: "Booked by the assistant",
      start: parseTimeInput("start", "2027-03-11T10:00:00+01:00"),
      end: parseTimeInput("end", "2027-03-11T11:00:00+01:00"),
    });
    const [webhook] = await receiver.waitFor(ofType("calendar.events_changed"), 1, 5000);
    expect(webhook?.body.data.changes).toEqual([
      expect.objectContaining({ change: "created", event_id: booked.event.id, origin: "this_server" }),
    ]);
  });

  test("a forged notification is refused and syncs nothing; Google's sync message is acknowledged", async () => {
    const { stack } = await connected();
    const [channel] = [...channelsOf(stack.emulator.state).byId.values()];
    const lists = (): number => stack.emulator.state.counters.calendarCalls.get("events.list") ?? 0;
    const before = lists();
    const notify = (headers: Record<string, string>) =>
      fetch(`${stack.server.url}/google/notifications`, { method: "POST", headers });
    const genuine = {
      "X-Goog-Channel-ID": channel?.id ?? "",
      "X-Goog-Channel-Token": channel?.token ?? "",
      "X-Goog-Resource-ID": channel?.resourceId ?? "",
      "X-Goog-Resource-State": "exists",
      "X-Goog-Message-Number": "7",
    };
    expect((await notify({ ...genuine, "X-Goog-Channel-Token": "guessed" })).status).toBe(401);
    expect((await notify({ ...genuine, "X-Goog-Channel-ID": "ch-unknown" })).status).toBe(401);
    expect((await notify({ ...genuine, "X-Goog-Resource-ID": "another-resource" })).status).toBe(401);
    const { "X-Goog-Channel-Token": _token, ...withoutToken } = genuine;
    expect((await notify(withoutToken)).status).toBe(401);
    expect((await notify({})).status).toBe(400);
    expect((await notify({ ...genuine, "X-Goog-Resource-State": "sync" })).status).toBe(200);
    await Bun.sleep(300);
    expect(lists()).toBe(before);
    // The genuine one does sync.
    expect((await notify(genuine)).status).toBe(200);
    await until(() => lists() === before + 1);
  });

  test("an expired sync token means a full resync that reports the change once, missing nothing", async () => {
    const { stack, receiver } = await connected();
    const google = atGoogle(stack);
    const kept = await google("POST", "", {
      summary: "Kept",
      start: { date: "2026-04-01" },
      end: { date: "2026-04-02" },
    });
    await receiver.waitFor(ofType("calendar.events_changed"), 1, 5000);
    await fetch(`${stack.emulator.url}/__emulator/expire-sync-tokens`, { method: "POST" });
    const added = await google("POST", "", {
      summary: "After expiry",
      start: { date: "2026-04-03" },
      end: { date: "2026-04-04" },
    });
    const [, second] = await receiver.waitFor(ofType("calendar.events_changed"), 2, 5000);
    expect(second?.body.data.changes).toEqual([
      expect.objectContaining({
        change: "created",
        event_id: added.id,
        summary: "After expiry",
        start: { date: "2026-04-03" },
      }),
    ]);
    expect(kept.id).not.toBe(added.id);
    // The next change goes incremental again.
    await google("DELETE", `/${kept.id}`);
    const [, , third] = await receiver.waitFor(ofType("calendar.events_changed"), 3, 5000);
    expect(third?.body.data.changes).toEqual([
      expect.objectContaining({ change: "cancelled", event_id: kept.id }),
    ]);
  });

  test("revoked at Google → connection.reauthorization_required with a fresh authorization URL that works", async () => {
    const { stack, receiver } = await connected("encrypted_file");
    await fetch(`${stack.emulator.url}/__emulator/revoke-grants`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: EMAIL }),
    });
    stack.clock.advance(3600 * 1000);
    await expect(
      stack.server.composed.services.refresh.execute(parseCustomerId(CUSTOMER)),
    ).rejects.toMatchObject({
      code: "reauthorization_required",
    });
    const [webhook] = await receiver.waitFor(ofType("connection.reauthorization_required"));
    expect(webhook?.verified).toBe(true);
    expect(webhook?.body.data.reason).toBeString();
    const url = webhook?.body.data.authorization_url as string;
    expect(new URL(url).origin).toBe(stack.emulator.url);
    // The user follows it and is connected again.
    expect((await consent(url)).status).toBe(200);
    await receiver.waitFor(ofType("connection.connected"), 2);
  });

  test("disconnect stops the channel at Google and sends connection.disconnected", async () => {
    const { stack, receiver } = await connected();
    const response = await stack.call("/oauth/disconnect", {
      method: "POST",
      body: JSON.stringify({ customer_id: CUSTOMER }),
    });
    expect(response.status).toBe(200);
    expect(channelsOf(stack.emulator.state).byId.size).toBe(0);
    const [webhook] = await receiver.waitFor(ofType("connection.disconnected"));
    expect(webhook?.body).toMatchObject({ customer_id: CUSTOMER, data: {} });
  });

  test("the receiver down for 15 s gets every webhook within a minute of coming back, once each, same ids", async () => {
    const { stack, receiver } = await connected();
    await receiver.waitFor(ofType("connection.connected"));
    receiver.mode = "down";
    const down = Date.now();
    const google = atGoogle(stack);
    for (const n of [1, 2, 3]) {
      await google("POST", "", {
        summary: `Outage ${n}`,
        start: { date: `2026-05-0${n}` },
        end: { date: `2026-05-0${n + 1}` },
      });
      await Bun.sleep(150);
    }
    await until(() => receiver.attempts.length >= 4);
    await Bun.sleep(Math.max(0, 15_000 - (Date.now() - down)));
    const triedWhileDown = new Set(receiver.attempts.slice(1));
    receiver.mode = "ok";
    const back = Date.now();
    const summaries = (): string[] =>
      receiver.accepted
        .filter(ofType("calendar.events_changed"))
        .flatMap((w) => w.body.data.changes.map((c: { summary: string }) => c.summary))
        .sort();
    await until(() => summaries().length >= 3, 60_000);
    expect(Date.now() - back).toBeLessThan(60_000);
    // Nothing arrives twice, even once every retry timer has fired.
    await Bun.sleep(3000);
    expect(summaries()).toEqual(["Outage 1", "Outage 2", "Outage 3"]);
    const changed = receiver.accepted.filter(ofType("calendar.events_changed"));
    expect(new Set(changed.map((w) => w.id)).size).toBe(changed.length);
    for (const webhook of changed) expect(triedWhileDown.has(webhook.id)).toBe(true);
  }, 90_000);
});
