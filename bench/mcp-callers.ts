import { calendar, type calendar_v3 } from "@googleapis/calendar";
import { CalendarRestClient } from "../src/adapters/google/calendar-rest-client.ts";
import { sha256 } from "../src/adapters/system/sha256.ts";
import type { CustomerId } from "../src/domain/customer-id.ts";
import { idempotentEventId } from "../src/domain/event-id.ts";
import type { McpTarget } from "./mcp-client.ts";
import type { SeededCustomer } from "./seed.ts";

/**
 * The two calls section 1 measures, made three ways: through our /mcp, through the naive server's,
 * and "direct": the Google calls the tool makes, from the load generator straight to the
 * emulator with the same HTTP client the server uses (calendar-rest-client.ts), without the
 * gateway's mapping. Direct is the floor: what the calls cost with no server in between. Section 1
 * makes them from the server's core (moveBenchProcess), so they cross between cores as the
 * server's own Google calls do.
 */

export interface Slot {
  start: string;
  end: string;
}

export interface Caller {
  listEvents(customer: SeededCustomer, window: Slot): Promise<boolean>;
  /** A booking in a free slot, with an idempotency key never used before. */
  createBooking(customer: SeededCustomer, slot: Slot, key: string): Promise<boolean>;
}

export function mcpCaller(target: McpTarget): Caller {
  return {
    listEvents: async (customer, window) =>
      (
        await target.call("list_events", {
          customer_id: customer.customerId,
          time_min: window.start,
          time_max: window.end,
        })
      ).ok,
    createBooking: async (customer, slot, key) =>
      (
        await target.call("create_booking", {
          customer_id: customer.customerId,
          summary: "Bench booking",
          start: slot.start,
          end: slot.end,
          idempotency_key: key,
        })
      ).ok,
  };
}

export function directCaller(emulatorUrl: string): Caller {
  // No retries: a failed direct call counts as one, as the servers' would.
  const rest = new CalendarRestClient({
    rootUrl: `${emulatorUrl}/`,
    timeoutMs: 10_000,
    retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
  });
  return {
    listEvents: async (customer, window) => {
      const answer = (await rest.send(customer.accessToken, {
        method: "GET",
        path: "calendars/primary/events",
        query: { singleEvents: true, orderBy: "startTime", timeMin: window.start, timeMax: window.end },
        retryable: true,
      })) as calendar_v3.Schema$Events;
      return Array.isArray(answer.items);
    },
    createBooking: async (customer, slot, key) => {
      // What create_booking asks Google: is the slot free, then insert under the key's event id.
      const busy = (await rest.send(customer.accessToken, {
        method: "POST",
        path: "freeBusy",
        body: { timeMin: slot.start, timeMax: slot.end, items: [{ id: "primary" }] },
        retryable: true,
      })) as calendar_v3.Schema$FreeBusyResponse;
      if ((busy.calendars?.primary?.busy ?? []).length > 0) return false;
      const requestBody: calendar_v3.Schema$Event = {
        id: idempotentEventId(sha256, customer.customerId as CustomerId, key),
        summary: "Bench booking",
        start: { dateTime: slot.start },
        end: { dateTime: slot.end },
      };
      const answer = (await rest.send(customer.accessToken, {
        method: "POST",
        path: "calendars/primary/events",
        body: requestBody,
        retryable: true,
      })) as calendar_v3.Schema$Event;
      return typeof answer.id === "string";
    },
  };
}

/** Seed `perCustomer` events inside `window` for each customer (what list_events then reads). */
export async function seedEvents(
  emulatorUrl: string,
  customers: SeededCustomer[],
  window: Slot,
  perCustomer: number,
): Promise<void> {
  const api = calendar({ version: "v3", rootUrl: `${emulatorUrl}/` });
  const first = Date.parse(window.start) + 8 * 3_600_000;
  await Promise.all(
    customers.map(async (customer) => {
      for (let index = 0; index < perCustomer; index += 1) {
        const start = new Date(first + index * 30 * 60_000);
        await api.events.insert(
          {
            calendarId: "primary",
            requestBody: {
              summary: `Seeded meeting ${index + 1}`,
              description: "An event list_events reads back in the benchmark",
              location: "Room 4",
              start: { dateTime: start.toISOString() },
              end: { dateTime: new Date(start.getTime() + 25 * 60_000).toISOString() },
              attendees: [{ email: customer.email }, { email: "colleague@example.com" }],
            },
          },
          { headers: { Authorization: `Bearer ${customer.accessToken}` } },
        );
      }
    }),
  );
}

/** Slot `index` of a sequence of non-overlapping 20-minute slots, one every 30 minutes from `from`. */
export function slotAt(from: number, index: number): Slot {
  const start = from + index * 30 * 60_000;
  return { start: new Date(start).toISOString(), end: new Date(start + 20 * 60_000).toISOString() };
}
