import type { Attendee, CalendarEvent, SendUpdates } from "../calendar.ts";
import type { CustomerId } from "../customer-id.ts";
import { DomainError, isDomainError } from "../errors.ts";
import type { ApprovalAnswer } from "../ports/calendar-gateway.ts";
import { approvalOf } from "./approval-of.ts";
import type { CalendarDeps } from "./calendar-deps.ts";
import { calendarIdOf, invalidArgument, optional, requiredText, sendUpdatesOf } from "./calendar-inputs.ts";
import { withAccessToken } from "./with-access-token.ts";

export type InvitationResponse = "accepted" | "declined" | "tentative";

export interface RespondToInvitationCommand {
  eventId: string;
  response: InvitationResponse;
  /** Default "primary". */
  calendarId?: string;
  sendUpdates?: SendUpdates;
  /** Repeat of a call Google held for the user's approval (DomainError approval_required). */
  approval?: ApprovalAnswer;
}

/** The event as it stands after the answer, and the answer given. */
export interface InvitationAnswered {
  event: CalendarEvent;
  /** The calendar as the command named it ("primary" stays "primary"). */
  calendarId: string;
  response: InvitationResponse;
}

const RESPONSES: readonly InvitationResponse[] = ["accepted", "declined", "tentative"];

/** Accept, decline or tentatively accept an event the customer is invited to. */
export class RespondToInvitation {
  readonly #deps: Pick<CalendarDeps, "tokens" | "calendar">;

  constructor(deps: Pick<CalendarDeps, "tokens" | "calendar">) {
    this.#deps = deps;
  }

  /**
   * @throws DomainError invalid_argument (bad response, or the customer is not an attendee),
   *   not_found, precondition_failed (the event kept changing), and the gateway's errors
   */
  async execute(customerId: CustomerId, command: RespondToInvitationCommand): Promise<InvitationAnswered> {
    const eventId = requiredText("eventId", command.eventId, 1024);
    const calendarId = calendarIdOf(command.calendarId);
    if (!RESPONSES.includes(command.response)) {
      throw invalidArgument("response", `must be one of ${RESPONSES.join(", ")}`);
    }
    const sendUpdates = sendUpdatesOf(command.sendUpdates);
    const approval = approvalOf(customerId, command.approval);
    const { calendar, tokens } = this.#deps;

    return withAccessToken(tokens, customerId, async ({ accessToken, email }) => {
      const respond = async (): Promise<CalendarEvent> => {
        const event = await calendar.getEvent(accessToken, calendarId, eventId);
        if (event.status === "cancelled") {
          throw new DomainError("not_found", `Event ${eventId} has been cancelled`, {
            details: { event_id: eventId, deleted: true },
          });
        }
        const me = findSelf(event.attendees, [email, calendarId === "primary" ? null : calendarId]);
        if (me === undefined) {
          throw invalidArgument(
            "eventId",
            `names an event this account is not invited to${event.organizerEmail === null ? "" : ` (organizer: ${event.organizerEmail})`}`,
          );
        }
        // Patching replaces the attendee list: send it whole, changing only our own answer.
        const attendees = event.attendees.map((attendee) => ({
          email: attendee.email,
          ...optional("optional", attendee.optional),
          responseStatus: attendee === me ? command.response : attendee.responseStatus,
        }));
        return calendar.patchEvent(
          accessToken,
          calendarId,
          eventId,
          { attendees },
          { etag: event.etag, ...optional("sendUpdates", sendUpdates), ...approval },
        );
      };
      // Others answering meanwhile change the etag; one fresh read and retry is enough.
      const updated = await respond().catch((error: unknown) => {
        if (isDomainError(error, "precondition_failed")) return respond();
        throw error;
      });
      return { event: updated, calendarId, response: command.response };
    });
  }
}

function findSelf(attendees: Attendee[], emails: (string | null)[]): Attendee | undefined {
  const known = emails.filter((email): email is string => email !== null).map((email) => email.toLowerCase());
  return (
    attendees.find((attendee) => attendee.self === true) ??
    attendees.find((attendee) => known.includes(attendee.email.toLowerCase()))
  );
}
