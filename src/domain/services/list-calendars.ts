import type { CalendarSummary } from "../calendar.ts";
import type { CustomerId } from "../customer-id.ts";
import type { CalendarDeps } from "./calendar-deps.ts";
import { withAccessToken } from "./with-access-token.ts";

export type ListCalendarsInput = Record<string, never>;

export interface ListCalendarsResult {
  calendars: CalendarSummary[];
}

/** The calendars in the customer's calendar list, primary first. */
export class ListCalendars {
  readonly #deps: Pick<CalendarDeps, "tokens" | "calendar">;

  constructor(deps: Pick<CalendarDeps, "tokens" | "calendar">) {
    this.#deps = deps;
  }

  /** @throws DomainError calendar_not_connected, reauthorization_required, and the gateway's errors */
  async execute(customerId: CustomerId, _input: ListCalendarsInput = {}): Promise<ListCalendarsResult> {
    const calendars = await withAccessToken(this.#deps.tokens, customerId, (token) =>
      this.#deps.calendar.listCalendars(token.accessToken),
    );
    const ordered = [...calendars].sort((a, b) => Number(b.primary) - Number(a.primary));
    return { calendars: ordered };
  }
}
