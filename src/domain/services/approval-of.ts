import type { CustomerId } from "../customer-id.ts";
import { DomainError } from "../errors.ts";
import type { ApprovalAnswer, ApprovalOptions } from "../ports/calendar-gateway.ts";

const ACTIONS = new Set(["accept", "decline", "cancel"]);

/**
 * The approval options of a write Google may hold for the user's approval: always whose call it is
 * (Google's approval token is bound to that customer), and the user's answer on the repeat.
 * @throws DomainError invalid_argument for a malformed answer
 */
export function approvalOf(customerId: CustomerId, answer: ApprovalAnswer | undefined): ApprovalOptions {
  if (answer === undefined) return { customerId };
  if (typeof answer.token !== "string" || answer.token === "") {
    throw invalidApproval("approval.token must be the approval_token of the approval_required error");
  }
  if (!ACTIONS.has(answer.action)) throw invalidApproval("approval.action must be accept, decline or cancel");
  if (answer.content !== undefined && (typeof answer.content !== "object" || answer.content === null)) {
    throw invalidApproval("approval.content must be an object of the form's values");
  }
  return { customerId, approval: answer };
}

function invalidApproval(message: string): DomainError {
  return new DomainError("invalid_argument", message, { details: { field: "approval" } });
}
