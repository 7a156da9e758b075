import type { CalendarEvent } from "../calendar.ts";
import type { CustomerId } from "../customer-id.ts";
import type { ApprovalAnswer } from "../ports/calendar-gateway.ts";
import { approvalOf } from "./approval-of.ts";
import type { CalendarDeps } from "./calendar-deps.ts";
import { calendarIdOf, requiredText } from "./calendar-inputs.ts";
import { withAccessToken } from "./with-access-token.ts";

export interface GetEventCommand {
  eventId: string;
  /** Default "primary". */
  calendarId?: string;
  /** Repeat of a call Google held for the user's approval (DomainError approval_required). */
  approval?: ApprovalAnswer;
}

/** One event by id. A deleted event comes back with status "cancelled", as Google keeps it. */
export class GetEvent {
  readonly #deps: Pick<CalendarDeps, "tokens" | "calendar">;

  constructor(deps: Pick<CalendarDeps, "tokens" | "calendar">) {
    this.#deps = deps;
  }

  /** @throws DomainError invalid_argument, not_found, and the gateway's errors */
  async execute(customerId: CustomerId, command: GetEventCommand): Promise<CalendarEvent> {
    const eventId = requiredText("eventId", command.eventId, 1024);
    const calendarId = calendarIdOf(command.calendarId);
    const approval = approvalOf(customerId, command.approval);
    return withAccessToken(this.#deps.tokens, customerId, (token) =>
      this.#deps.calendar.getEvent(token.accessToken, calendarId, eventId, approval),
    );
  }
}
