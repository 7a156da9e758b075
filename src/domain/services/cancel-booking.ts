import type { SendUpdates } from "../calendar.ts";
import type { CustomerId } from "../customer-id.ts";
import { DomainError, isDomainError } from "../errors.ts";
import type { CalendarDeps } from "./calendar-deps.ts";
import { calendarIdOf, optional, requiredText, sendUpdatesOf } from "./calendar-inputs.ts";
import { withAccessToken } from "./with-access-token.ts";

export interface CancelBookingInput {
  event_id: string;
  calendar_id?: string;
  send_updates?: SendUpdates;
}

export interface CancelBookingResult {
  event_id: string;
  calendar_id: string;
  status: "cancelled";
}

/** Deletes a booking (Google keeps it as "cancelled"). */
export class CancelBooking {
  readonly #deps: Pick<CalendarDeps, "tokens" | "calendar">;

  constructor(deps: Pick<CalendarDeps, "tokens" | "calendar">) {
    this.#deps = deps;
  }

  /**
   * One Google call: no read first, Google itself says whether the event was already gone.
   * @throws DomainError not_found (details.deleted = true when it was already cancelled),
   *   invalid_argument, and the gateway's errors
   */
  async execute(customerId: CustomerId, input: CancelBookingInput): Promise<CancelBookingResult> {
    const eventId = requiredText("event_id", input.event_id, 1024);
    const calendarId = calendarIdOf(input.calendar_id);
    const sendUpdates = sendUpdatesOf(input.send_updates);
    try {
      await withAccessToken(this.#deps.tokens, customerId, ({ accessToken }) =>
        this.#deps.calendar.deleteEvent(
          accessToken,
          calendarId,
          eventId,
          optional("sendUpdates", sendUpdates),
        ),
      );
    } catch (error) {
      if (!isDomainError(error, "not_found")) throw error;
      const deleted = error.details.deleted === true;
      const message = deleted
        ? `Event ${eventId} was already cancelled`
        : `Event ${eventId} was not found in calendar ${calendarId}`;
      throw new DomainError("not_found", message, {
        details: { ...error.details, event_id: eventId, calendar_id: calendarId, deleted },
      });
    }
    return { event_id: eventId, calendar_id: calendarId, status: "cancelled" };
  }
}
