import type { ToolResult } from "./mcp-client.ts";
import type { EmulatorStats } from "./processes.ts";
import type { Stack } from "./stack.ts";

/**
 * Section 4: how many requests to Google each tool makes, counted by the emulator, with a fresh
 * token (no refresh), on each backend: the Calendar REST API and Google's Calendar MCP server (the
 * emulator serves both over one state). Every tool is called once, in the form a backend typically
 * uses, and the count is checked against the tool's budget on that backend: the fewest calls its
 * job allows.
 */

export type CalendarBackend = "rest" | "mcp";

export interface ToolCallCount {
  backend: CalendarBackend;
  tool: string;
  /** What the call did, when a tool is measured in more than one form. */
  form: string;
  googleRequests: number;
  /** Requests by Google method (Calendar method names, "mcp.<tool>"; "oauth.token", "oauth.revoke"). */
  byMethod: Record<string, number>;
  budget: number;
  withinBudget: boolean;
  /** The call did what it should (a failed call proves nothing about its count). */
  ok: boolean;
}

export interface GoogleCallsSection {
  tools: ToolCallCount[];
}

const DAY = 86_400_000;

/** Budgets that differ by backend: MCP has no etag (a read before each write) and no free/busy. */
const BUDGETS: Record<CalendarBackend, { rename: number; reschedule: number; respond: number }> = {
  // get, patch (If-Match) / get, events.list (busy but itself), patch / get, patch
  rest: { rename: 2, reschedule: 3, respond: 2 },
  // get, get (compare), update_event / get, list_events, get, update_event / get, get, respond_to_event
  mcp: { rename: 3, reschedule: 4, respond: 3 },
};

export async function benchGoogleCalls(
  stack: Stack,
  log: (line: string) => void,
): Promise<GoogleCallsSection> {
  const tools: ToolCallCount[] = [];
  for (const backend of ["rest", "mcp"] as const) {
    log(`  backend ${backend}:`);
    tools.push(...(await measure(stack, backend, log)));
  }
  return { tools };
}

async function measure(
  stack: Stack,
  backend: CalendarBackend,
  log: (line: string) => void,
): Promise<ToolCallCount[]> {
  const [customer] = await stack.connect([`calls-${backend}`]);
  if (customer === undefined) throw new Error("no customer was connected");
  const server = await stack.start("ours", {
    GOOGLE_CALENDAR_BACKEND: backend,
    GOOGLE_CALENDAR_MCP_URL: `${stack.emulator.url}/mcp/v1`,
  });
  const id = customer.customerId;
  const budgets = BUDGETS[backend];
  // Each backend books on its own day, so the two runs never see each other's events.
  const day = Math.floor(Date.now() / DAY) * DAY + (backend === "rest" ? 50 : 51) * DAY;
  const at = (hours: number) => new Date(day + hours * 3_600_000).toISOString();
  const tools: ToolCallCount[] = [];
  const count = async (
    tool: string,
    form: string,
    budget: number,
    args: Record<string, unknown>,
    expectedError?: string,
  ) => {
    const before = await stack.emulator.stats();
    const answer = await server.mcp.call(tool, { customer_id: id, ...args });
    const byMethod = difference(before, await stack.emulator.stats());
    const googleRequests = Object.values(byMethod).reduce((sum, value) => sum + value, 0);
    const code = answer.result?.structuredContent?.error;
    const ok =
      expectedError === undefined
        ? answer.ok
        : typeof code === "object" && code !== null && (code as { code?: unknown }).code === expectedError;
    tools.push({
      backend,
      tool,
      form,
      googleRequests,
      byMethod,
      budget,
      withinBudget: googleRequests <= budget,
      ok,
    });
    log(`  ${tool} (${form}): ${googleRequests} Google request(s), budget ${budget}${ok ? "" : ", FAILED"}`);
    return answer.result;
  };

  try {
    const window = { time_min: at(0), time_max: at(24) };
    await count("connect_calendar", "consent link", 0, {});
    await count("calendar_status", "status", 0, {});
    await count("list_calendars", "calendar list", 1, {});
    await count("list_events", "window with offsets", 1, window);
    await count("list_events", "local window + time_zone", 1, {
      time_min: isoLocal(day),
      time_max: isoLocal(day + DAY),
      time_zone: "Europe/Madrid",
    });
    await count("check_availability", "window", 1, window);
    await count("find_available_slots", "with time_zone", 1, {
      ...window,
      duration_minutes: 30,
      time_zone: "Europe/Madrid",
    });
    await count("find_available_slots", "calendar's own zone", 2, { ...window, duration_minutes: 30 });
    const booked = await count("create_booking", "free slot, idempotency key", 2, {
      summary: "Budget check",
      start: at(10),
      end: at(10.5),
      idempotency_key: `calls-${backend}`,
      attendees: [{ email: customer.email }, { email: sameDomainGuest(customer.email) }],
    });
    await count("create_booking", "replayed idempotency key", 1, {
      summary: "Budget check",
      start: at(10),
      end: at(10.5),
      idempotency_key: `calls-${backend}`,
      attendees: [{ email: customer.email }, { email: sameDomainGuest(customer.email) }],
    });
    const eventId = eventIdOf(booked);
    await count("get_event", "by id", 1, { event_id: eventId });
    await count("update_booking", "rename", budgets.rename, { event_id: eventId, summary: "Renamed" });
    await count("update_booking", "reschedule, conflict check", budgets.reschedule, {
      event_id: eventId,
      start: at(12),
      end: at(12.5),
    });
    await count("respond_to_invitation", "accept", budgets.respond, {
      event_id: eventId,
      response: "accepted",
    });
    if (backend === "mcp") {
      // Google's MCP server holds a delete for the user's approval: one request to ask, one to do it.
      const asked = await count(
        "cancel_booking",
        "approval asked",
        1,
        { event_id: eventId },
        "approval_required",
      );
      const token = (asked?.structuredContent?.error as { approval_token?: unknown } | undefined)
        ?.approval_token;
      await count("cancel_booking", "approved", 1, {
        event_id: eventId,
        approval: { token: typeof token === "string" ? token : "", action: "accept" },
      });
    } else {
      await count("cancel_booking", "by id", 1, { event_id: eventId });
    }
    // An expired token costs one refresh on top of the call itself.
    stack.expire([customer]);
    await count("list_events", "expired token: refresh first", 2, window);
    await count("disconnect_calendar", "revoke", 1, {});
    return tools;
  } finally {
    await server.process.stop();
  }
}

/** A guest in the customer's own domain: Google's MCP server asks approval for outside guests. */
function sameDomainGuest(email: string): string {
  return `guest@${email.slice(email.lastIndexOf("@") + 1) || "example.com"}`;
}

function difference(before: EmulatorStats, after: EmulatorStats): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [method, calls] of Object.entries(after.calendarCalls)) {
    const delta = calls - (before.calendarCalls[method] ?? 0);
    if (delta > 0) result[method] = delta;
  }
  for (const [tool, calls] of Object.entries(after.mcpCalls ?? {})) {
    const delta = calls - (before.mcpCalls?.[tool] ?? 0);
    if (delta > 0) result[`mcp.${tool}`] = delta;
  }
  const tokens = after.tokenRequests - before.tokenRequests;
  if (tokens > 0) result["oauth.token"] = tokens;
  const revocations = after.revocations - before.revocations;
  if (revocations > 0) result["oauth.revoke"] = revocations;
  return result;
}

function eventIdOf(result: ToolResult | undefined): string {
  const id = result?.structuredContent?.event_id;
  if (typeof id !== "string") throw new Error("create_booking answered no event_id");
  return id;
}

/** "YYYY-MM-DDTHH:MM" of a UTC instant, read as a local time by the server. */
function isoLocal(instant: number): string {
  return new Date(instant).toISOString().slice(0, 16);
}
