/**
 * Push notifications: `events.watch` registers a channel on a calendar's events, `channels.stop`
 * ends it, and every change to the calendar POSTs an empty-bodied notification to each live
 * channel's address with Google's `X-Goog-*` headers — first a `sync` message when the channel
 * is created, then `exists` per change. Kept in `state.calendarData`, so a reset forgets them.
 */

import type { EmulatorState } from "../emulator-state.ts";
import { calendarErrors } from "./calendar-errors.ts";
import type { CalendarRecord } from "./calendar-store.ts";
import { isObject } from "./event-input.ts";

export interface WatchChannel {
  id: string;
  token: string | null;
  address: string;
  calendarId: string;
  ownerEmail: string;
  resourceId: string;
  resourceUri: string;
  /** epoch ms */
  expiration: number;
  messageNumber: number;
}

/** One notification sent (or tried): what tests look at. */
export interface SentNotification {
  channelId: string;
  resourceState: "sync" | "exists" | "not_exists";
  messageNumber: number;
  /** HTTP status the receiver answered, or 0 when it could not be reached. */
  status: number;
}

interface Channels {
  byId: Map<string, WatchChannel>;
  resourceIds: Map<string, string>;
  sent: SentNotification[];
}

/** Google: one week when `params.ttl` is absent; it caps longer requests. */
const DEFAULT_TTL_SECONDS = 604_800;
const MAX_TTL_SECONDS = 2_592_000;

export function channelsOf(state: EmulatorState): Channels {
  const existing = state.calendarData.get("__channels") as Channels | undefined;
  if (existing !== undefined) return existing;
  const created: Channels = { byId: new Map(), resourceIds: new Map(), sent: [] };
  state.calendarData.set("__channels", created);
  return created;
}

/** events.watch: validate Google's Channel resource, register it, send the `sync` message. */
export function watchEvents(
  state: EmulatorState,
  calendar: CalendarRecord,
  email: string,
  body: Record<string, unknown>,
): Record<string, unknown> {
  const channels = channelsOf(state);
  const { id, type, address, token } = body;
  if (typeof id !== "string" || id === "") throw calendarErrors.required("Required channel id");
  if (!/^[A-Za-z0-9\-_+/=]{1,64}$/.test(id)) throw calendarErrors.invalid(`Invalid channel id: ${id}`);
  if (channels.byId.has(id)) throw calendarErrors.badRequest(`Channel id ${id} not unique`);
  if (type !== "web_hook" && type !== "webhook") throw calendarErrors.invalid("Invalid channel type");
  if (typeof address !== "string" || !URL.canParse(address))
    throw calendarErrors.required("Required address");
  const url = new URL(address);
  // Google takes only HTTPS; the emulator also takes plain HTTP on this machine, for tests.
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw calendarErrors.badRequest(`WebHook callback must be HTTPS: ${address}`);
  }
  if (token !== undefined && (typeof token !== "string" || token.length > 256)) {
    throw calendarErrors.invalid("Invalid channel token");
  }
  const ttl = readTtl(body.params);
  let resourceId = channels.resourceIds.get(calendar.id);
  if (resourceId === undefined) {
    resourceId = Buffer.from(crypto.getRandomValues(new Uint8Array(20)))
      .toString("base64url")
      .slice(0, 27);
    channels.resourceIds.set(calendar.id, resourceId);
  }
  const channel: WatchChannel = {
    id,
    token: typeof token === "string" ? token : null,
    address,
    calendarId: calendar.id,
    ownerEmail: email.toLowerCase(),
    resourceId,
    resourceUri: `https://www.googleapis.com/calendar/v3/calendars/${encodeURIComponent(calendar.id)}/events?alt=json`,
    expiration: Date.now() + ttl * 1000,
    messageNumber: 0,
  };
  channels.byId.set(id, channel);
  void send(channels, channel, "sync");
  const answer: Record<string, unknown> = {
    kind: "api#channel",
    id,
    resourceId,
    resourceUri: channel.resourceUri,
    expiration: String(channel.expiration),
  };
  if (channel.token !== null) answer.token = channel.token;
  return answer;
}

/** channels.stop: only the account that made the channel may stop it. */
export function stopChannel(state: EmulatorState, email: string, body: Record<string, unknown>): void {
  const channels = channelsOf(state);
  const channel = typeof body.id === "string" ? channels.byId.get(body.id) : undefined;
  if (
    channel === undefined ||
    channel.resourceId !== body.resourceId ||
    channel.ownerEmail !== email.toLowerCase()
  ) {
    throw calendarErrors.notFound();
  }
  channels.byId.delete(channel.id);
}

/** A calendar changed: tell every live channel on it (expired ones are dropped). */
export function notifyWatchers(state: EmulatorState, calendarId: string): void {
  const channels = channelsOf(state);
  for (const channel of [...channels.byId.values()]) {
    if (channel.calendarId !== calendarId) continue;
    if (channel.expiration <= Date.now()) {
      channels.byId.delete(channel.id);
      continue;
    }
    void send(channels, channel, "exists");
  }
}

async function send(
  channels: Channels,
  channel: WatchChannel,
  resourceState: "sync" | "exists",
): Promise<void> {
  channel.messageNumber += 1;
  const messageNumber = channel.messageNumber;
  const headers: Record<string, string> = {
    "X-Goog-Channel-ID": channel.id,
    "X-Goog-Message-Number": String(messageNumber),
    "X-Goog-Resource-ID": channel.resourceId,
    "X-Goog-Resource-State": resourceState,
    "X-Goog-Resource-URI": channel.resourceUri,
    "X-Goog-Channel-Expiration": new Date(channel.expiration).toUTCString(),
  };
  if (channel.token !== null) headers["X-Goog-Channel-Token"] = channel.token;
  let status = 0;
  try {
    const response = await fetch(channel.address, {
      method: "POST",
      headers,
      redirect: "manual",
      signal: AbortSignal.timeout(10_000),
    });
    status = response.status;
    await response.body?.cancel().catch(() => undefined);
  } catch {
    status = 0;
  }
  channels.sent.push({ channelId: channel.id, resourceState, messageNumber, status });
}

function readTtl(params: unknown): number {
  if (params === undefined) return DEFAULT_TTL_SECONDS;
  if (!isObject(params)) throw calendarErrors.invalid("Invalid channel params");
  const raw = params.ttl;
  if (raw === undefined) return DEFAULT_TTL_SECONDS;
  const ttl = typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(ttl) || ttl < 1)
    throw calendarErrors.invalid(`Invalid ttl value: ${String(raw)}`);
  return Math.min(ttl, MAX_TTL_SECONDS);
}
