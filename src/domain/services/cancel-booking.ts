import type { SendUpdates } from "../calendar.ts";
import type { CustomerId } from "../customer-id.ts";
import { DomainError, isDomainError } from "../errors.ts";
import type { ApprovalAnswer } from "../ports/calendar-gateway.ts";
import { approvalOf } from "./approval-of.ts";
import type { CalendarDeps } from "./calendar-deps.ts";
import { calendarIdOf, optional, requiredText, sendUpdatesOf } from "./calendar-inputs.ts";
import { withAccessToken } from "./with-access-token.ts";

export interface CancelBookingCommand {
  eventId: string;
  /** Default "primary". */
  calendarId?: string;
  sendUpdates?: SendUpdates;
  /** Repeat of a call Google held for the user's approval (DomainError approval_required). */
  approval?: ApprovalAnswer;
}

/** The booking that is now cancelled. */
export interface CancelledBooking {
  eventId: string;
  calendarId: string;
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
   *   invalid_argument, approval_required, approval_declined, and the gateway's errors
   */
  async execute(customerId: CustomerId, command: CancelBookingCommand): Promise<CancelledBooking> {
    const eventId = requiredText("eventId", command.eventId, 1024);
    const calendarId = calendarIdOf(command.calendarId);
    const sendUpdates = sendUpdatesOf(command.sendUpdates);
    const approval = approvalOf(customerId, command.approval);
    try {
      await withAccessToken(this.#deps.tokens, customerId, ({ accessToken }) =>
        this.#deps.calendar.deleteEvent(accessToken, calendarId, eventId, {
          ...optional("sendUpdates", sendUpdates),
          ...approval,
        }),
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
    return { eventId, calendarId };
  }
}
