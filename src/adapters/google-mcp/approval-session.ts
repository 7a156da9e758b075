import { DomainError } from "../../domain/errors.ts";
import type { ApprovalAnswer, ApprovalOptions } from "../../domain/ports/calendar-gateway.ts";
import { type ApprovalClaims, type ApprovalTokens, hashOf } from "./approval-token.ts";

/** How long a user has to answer; Google's own `requestState` lifetime is not documented. */
export const APPROVAL_TTL_SECONDS = 15 * 60;

export interface Resumption {
  inputResponses: Record<string, unknown>;
  requestState?: string;
  action: ApprovalAnswer["action"];
}

/**
 * The approvals of one gateway operation (which may make several tool calls). A given answer is
 * attached only to the call its token was issued for; no write goes out beside it, and an
 * answer no call used is refused, so a token cannot be moved to another call.
 */
export class ApprovalSession {
  readonly #tokens: ApprovalTokens;
  readonly #subject: string;
  readonly #nowSeconds: number;
  readonly #answer: { claims: ApprovalClaims; answer: ApprovalAnswer } | null;
  #used = false;

  /** @throws DomainError invalid_argument when the answer's token is forged, expired or someone else's */
  constructor(tokens: ApprovalTokens, accessToken: string, options: ApprovalOptions, nowMs: number) {
    this.#tokens = tokens;
    this.#subject = hashOf(
      options.customerId === undefined ? { accessToken } : { customerId: options.customerId },
    );
    this.#nowSeconds = Math.floor(nowMs / 1000);
    const answer = options.approval;
    if (answer === undefined) {
      this.#answer = null;
      return;
    }
    const claims = tokens.open(answer.token);
    if (claims === null || claims.subject !== this.#subject) {
      throw refused("approval.token was not issued for this customer");
    }
    if (claims.expiresAt < this.#nowSeconds)
      throw refused("approval.token has expired; call again without it");
    if (!["accept", "decline", "cancel"].includes(answer.action)) {
      throw refused("approval.action must be accept, decline or cancel");
    }
    this.#answer = { claims, answer };
  }

  /**
   * What to send with this call: the answer when the token is for exactly this call.
   * @throws DomainError invalid_argument before a write the token is not for
   */
  resumptionFor(tool: string, args: Record<string, unknown>, isRead: boolean): Resumption | undefined {
    if (this.#answer === null || this.#used) return undefined;
    const { claims, answer } = this.#answer;
    if (claims.tool !== tool || claims.args !== hashOf(args)) {
      if (isRead) return undefined;
      throw refused("approval.token was issued for another call; repeat the exact call it came with");
    }
    this.#used = true;
    const response =
      answer.content === undefined
        ? { action: answer.action }
        : { action: answer.action, content: answer.content };
    return {
      inputResponses: Object.fromEntries(claims.keys.map((key) => [key, response])),
      ...(claims.requestState === undefined ? {} : { requestState: claims.requestState }),
      action: answer.action,
    };
  }

  /** The domain error for Google's `input_required`, with a token to resume it. */
  required(
    tool: string,
    args: Record<string, unknown>,
    inputRequests: Record<string, unknown>,
    requestState: string | undefined,
  ): DomainError {
    const forms = Object.entries(inputRequests).map(([key, request]) => ({ key, ...formOf(request) }));
    const unanswerable = forms.find((form) => form.method !== "elicitation/create");
    if (unanswerable !== undefined || forms.length === 0) {
      return new DomainError(
        "google_unavailable",
        `Google asked for input this server cannot give (${unanswerable?.method ?? "nothing"}) for ${tool}`,
      );
    }
    const expiresAt = this.#nowSeconds + APPROVAL_TTL_SECONDS;
    const token = this.#tokens.seal({
      subject: this.#subject,
      tool,
      args: hashOf(args),
      keys: forms.map((form) => form.key),
      ...(requestState === undefined ? {} : { requestState }),
      expiresAt,
    });
    const first = forms[0];
    return new DomainError("approval_required", first?.message || `Google asks the user to approve ${tool}`, {
      details: {
        message: first?.message ?? null,
        form: first?.requestedSchema ?? null,
        approval_token: token,
        expires_at: new Date(expiresAt * 1000).toISOString(),
      },
    });
  }

  /** @throws DomainError invalid_argument when an answer was given but no call was its call */
  finish(): void {
    if (this.#answer !== null && !this.#used) {
      throw refused("approval.token was issued for another call; repeat the exact call it came with");
    }
  }
}

export function declined(action: ApprovalAnswer["action"], tool: string): DomainError {
  return new DomainError(
    "approval_declined",
    action === "cancel" ? `The user cancelled the approval of ${tool}` : `The user declined ${tool}`,
    { details: { action } },
  );
}

function formOf(request: unknown): { method: string; message: string; requestedSchema: unknown } {
  const value = typeof request === "object" && request !== null ? (request as Record<string, unknown>) : {};
  const params =
    typeof value.params === "object" && value.params !== null
      ? (value.params as Record<string, unknown>)
      : {};
  return {
    method: typeof value.method === "string" ? value.method : "unknown",
    message: typeof params.message === "string" ? params.message : "",
    requestedSchema: params.requestedSchema ?? null,
  };
}

function refused(message: string): DomainError {
  return new DomainError("invalid_argument", message, { details: { field: "approval" } });
}
