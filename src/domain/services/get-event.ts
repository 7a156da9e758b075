import type { CalendarEvent } from "../calendar.ts";
import type { CustomerId } from "../customer-id.ts";
import type { CalendarDeps } from "./calendar-deps.ts";
import { calendarIdOf, requiredText } from "./calendar-inputs.ts";
import { withAccessToken } from "./with-access-token.ts";

export interface GetEventInput {
  event_id: string;
  calendar_id?: string;
}

/** One event by id. A deleted event comes back with status "cancelled", as Google keeps it. */
export class GetEvent {
  readonly #deps: Pick<CalendarDeps, "tokens" | "calendar">;

  constructor(deps: Pick<CalendarDeps, "tokens" | "calendar">) {
    this.#deps = deps;
  }

  /** @throws DomainError invalid_argument, not_found, and the gateway's errors */
  async execute(customerId: CustomerId, input: GetEventInput): Promise<CalendarEvent> {
    const eventId = requiredText("event_id", input.event_id, 1024);
    const calendarId = calendarIdOf(input.calendar_id);
    return withAccessToken(this.#deps.tokens, customerId, (token) =>
      this.#deps.calendar.getEvent(token.accessToken, calendarId, eventId),
    );
  }
}
