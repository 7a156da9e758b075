import { expect } from "bun:test";
import { consent, E2E_API_KEY } from "../e2e/e2e-fixtures.ts";
import type { SecretBook } from "./secret-book.ts";

export type Carriers = "urls" | "urls and state field";

export interface Seen {
  where: string;
  text: string;
  carriers: Carriers;
}

const DAY = "2026-03-10";

/** Drives one server (in process or spawned) through the flows, keeping every answer. */
export class Recorder {
  readonly seen: Seen[] = [];

  constructor(
    readonly baseUrl: string,
    readonly book: SecretBook,
    readonly harvest: () => void,
  ) {}

  async request(pathname: string, init: RequestInit = {}, carriers: Carriers = "urls"): Promise<Response> {
    const response = await fetch(`${this.baseUrl}${pathname}`, {
      ...init,
      redirect: "manual",
      headers: {
        authorization: `Bearer ${E2E_API_KEY}`,
        "content-type": "application/json",
        ...init.headers,
      },
    });
    return this.keep(`${init.method ?? "GET"} ${pathname.split("?")[0]}`, response, carriers);
  }

  async keep(where: string, response: Response, carriers: Carriers = "urls"): Promise<Response> {
    const text = await response.text();
    const headers = [...response.headers].map(([name, value]) => `${name}: ${value}`).join("\n");
    this.seen.push({ where, text: `${headers}\n\n${text}`, carriers });
    this.book.addStatesFrom(text);
    this.book.addStatesFrom(response.headers.get("location") ?? "");
    this.harvest();
    return new Response(text, { status: response.status, headers: response.headers });
  }

  async tool(
    name: string,
    args: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<unknown> {
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name, arguments: args },
    });
    const response = await this.request("/mcp", {
      method: "POST",
      body,
      headers: { accept: "*/*", ...headers },
    });
    return ((await response.json()) as { result?: unknown }).result;
  }

  /** Connect through POST /oauth/authorize and the emulator's consent, answered as JSON or HTML. */
  async connect(customer: string, accept = "application/json"): Promise<void> {
    const started = await this.request(
      "/oauth/authorize",
      { method: "POST", body: JSON.stringify({ customer_id: customer }) },
      "urls and state field",
    );
    const { authorization_url, state } = (await started.json()) as {
      authorization_url: string;
      state: string;
    };
    this.book.addState(state);
    const done = await this.keep("GET /oauth/callback", await consent(authorization_url, accept));
    expect(done.status).toBe(200);
  }

  /** Every flow the product has, and a few of its errors. */
  async runFlows(options: {
    advanceClock?: (ms: number) => void;
    expireAtGoogle: () => void;
    faultTokenEndpoint: () => void;
    clearFaults: () => void;
  }): Promise<void> {
    await this.connect("alice");
    await this.connect("alice-html", "text/html");
    // GET /oauth/authorize redirects: its Location carries the state, as the authorization URL.
    const redirect = await this.request("/oauth/authorize?customer_id=bob");
    expect(redirect.status).toBe(302);
    await this.keep("GET /oauth/callback", await consent(redirect.headers.get("location") ?? ""));
    await this.request("/oauth/status/alice");
    await this.tool("calendar_status", { customer_id: "alice" });
    const made = (await this.tool("create_booking", {
      customer_id: "alice",
      summary: "Dentist",
      start: `${DAY}T10:00:00`,
      end: `${DAY}T10:30:00`,
      time_zone: "Europe/Madrid",
      idempotency_key: "msg-1",
    })) as { structuredContent?: { event_id?: string } };
    const eventId = made.structuredContent?.event_id ?? "missing";
    await this.tool("list_events", {
      customer_id: "alice",
      time_min: `${DAY}T00:00:00Z`,
      time_max: `${DAY}T23:00:00Z`,
    });
    await this.tool("get_event", { customer_id: "alice", event_id: eventId });
    await this.tool("update_booking", {
      customer_id: "alice",
      event_id: eventId,
      summary: "Dentist (moved)",
    });
    await this.tool("check_availability", {
      customer_id: "alice",
      time_min: `${DAY}T08:00:00Z`,
      time_max: `${DAY}T18:00:00Z`,
    });
    await this.tool("find_available_slots", {
      customer_id: "alice",
      time_min: `${DAY}T08:00:00Z`,
      time_max: `${DAY}T18:00:00Z`,
      duration_minutes: 30,
    });
    // Refresh after expiry (our clock), and after Google rejects a token that looked valid (401).
    options.advanceClock?.(2 * 3600_000);
    await this.tool("list_calendars", { customer_id: "alice" });
    options.expireAtGoogle();
    await this.tool("list_events", { customer_id: "alice", time_min: `${DAY}T00:00:00Z` });
    await this.tool("cancel_booking", { customer_id: "alice", event_id: eventId });
    // Errors: Google failing, strangers, bad keys, bad ids, refused and replayed callbacks.
    options.faultTokenEndpoint();
    options.expireAtGoogle();
    options.advanceClock?.(2 * 3600_000);
    await this.tool("list_calendars", { customer_id: "alice" });
    options.clearFaults();
    await this.tool("list_events", { customer_id: "stranger" });
    await this.tool("list_events", { customer_id: "alice" }, { "x-customer-id": "bob" });
    await this.request("/mcp", {
      method: "POST",
      body: "{",
      headers: { authorization: "Bearer wrong-key-0123456789abcdef" },
    });
    await this.request("/oauth/status/..%2f..%2fetc");
    const pending = await this.request(
      "/oauth/authorize",
      { method: "POST", body: JSON.stringify({ customer_id: "carol" }) },
      "urls and state field",
    );
    const { state } = (await pending.json()) as { state: string };
    this.book.addState(state);
    await this.request(`/oauth/callback?error=access_denied&state=${state}`);
    await this.request(`/oauth/callback?code=4%2F0AanRRrtMadeUpCode&state=${state}`);
    const replayed = await this.request(
      "/oauth/authorize",
      { method: "POST", body: JSON.stringify({ customer_id: "dave" }) },
      "urls and state field",
    );
    const replay = (await replayed.json()) as { authorization_url: string; state: string };
    this.book.addState(replay.state);
    const atGoogle = await fetch(replay.authorization_url, { redirect: "manual" });
    const callback = new URL(atGoogle.headers.get("location") ?? "");
    await this.keep(
      "GET /oauth/callback",
      await fetch(callback, { headers: { accept: "application/json" } }),
    );
    await this.keep(
      "GET /oauth/callback (replayed)",
      await fetch(callback, { headers: { accept: "application/json" } }),
    );
    // Disconnect, by HTTP and by tool.
    await this.request("/oauth/disconnect", {
      method: "POST",
      body: JSON.stringify({ customer_id: "alice" }),
    });
    await this.tool("disconnect_calendar", { customer_id: "bob" });
  }

  /** Every place a secret was found; empty when none leaked. */
  leaks(logs: string[]): string[] {
    const found: string[] = [];
    for (const seen of this.seen)
      found.push(...this.book.findIn(seen.text, `the answer to ${seen.where}`, seen.carriers));
    for (const [index, line] of logs.entries())
      found.push(...this.book.findIn(line, `log line ${index + 1}`, "none"));
    return found;
  }
}
