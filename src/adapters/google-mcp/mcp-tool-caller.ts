import { isDomainError } from "../../domain/errors.ts";
import { type GoogleCallObserver, observed } from "../google/google-call-observer.ts";
import { type RetryPolicy, withRetry } from "../google/outbound-call.ts";
import { type ApprovalSession, declined } from "./approval-session.ts";
import { type CalendarTool, READ_TOOLS, TOOLS, type ToolArguments } from "./calendar-mcp-schema.ts";
import type { McpJsonRpcClient, ToolOutcome } from "./mcp-json-rpc-client.ts";

/** One gateway operation's customer token and approvals. */
export interface CallContext {
  accessToken: string;
  approvals: ApprovalSession;
}

/** A Retry-After longer than this is reported (rate_limited), not waited out. */
const MAX_RETRY_WAIT_SECONDS = 4;

/**
 * One tool call as the gateway makes it: the user's approval answer attached when it is this
 * call's, each attempt observed (counted), reads and deletes retried like the REST gateway's,
 * creates and updates never.
 */
export class McpToolCaller {
  readonly #client: McpJsonRpcClient;
  readonly #retry: RetryPolicy;
  readonly #observe: GoogleCallObserver;

  constructor(client: McpJsonRpcClient, retry: RetryPolicy, observe: GoogleCallObserver) {
    this.#client = client;
    this.#retry = retry;
    this.#observe = observe;
  }

  /**
   * @returns the tool's data (undefined when it sent none)
   * @throws DomainError approval_required (Google's input_required), approval_declined, and the
   *   failures of calendar-mcp-errors.ts
   */
  async call(ctx: CallContext, tool: CalendarTool, args: ToolArguments): Promise<unknown> {
    const isRead = READ_TOOLS.has(tool);
    const resume = ctx.approvals.resumptionFor(tool, args, isRead);
    const request = {
      tool,
      args,
      accessToken: ctx.accessToken,
      ...(resume === undefined ? {} : { inputResponses: resume.inputResponses }),
      ...(resume?.requestState === undefined ? {} : { requestState: resume.requestState }),
    };
    let attempts = 0;
    const attempt = (): Promise<ToolOutcome> => {
      attempts += 1;
      return observed(this.#observe, "calendar", () => this.#client.call(request), {
        backend: "mcp",
        operation: tool,
      });
    };
    const giveUp = resume !== undefined && resume.action !== "accept" ? resume.action : null;
    let outcome: ToolOutcome;
    try {
      const retryable = isRead || tool === TOOLS.deleteEvent;
      outcome = retryable ? await withRetry(this.#retry, worthRetrying, attempt) : await attempt();
    } catch (error) {
      // A delete whose first answer was lost: the retry finds it gone.
      if (tool === TOOLS.deleteEvent && attempts > 1 && isDomainError(error, "not_found")) return undefined;
      // Google's refusal of a declined call is the decline itself; a transient failure is not.
      if (giveUp !== null && !isTransient(error)) throw declined(giveUp, tool);
      throw error;
    }
    if (giveUp !== null) throw declined(giveUp, tool);
    if (outcome.kind === "input_required") {
      throw ctx.approvals.required(tool, args, outcome.inputRequests, outcome.requestState);
    }
    return outcome.data;
  }
}

function worthRetrying(error: unknown): boolean {
  if (isDomainError(error, "google_unavailable")) {
    return error.details.timeout !== true && error.details.unreadable !== true;
  }
  if (isDomainError(error, "rate_limited")) {
    const after = error.details.retry_after_seconds;
    return typeof after === "number" && after <= MAX_RETRY_WAIT_SECONDS;
  }
  return false;
}

/** Failures after which the same answer may be sent again: the caller retries, not gives up. */
function isTransient(error: unknown): boolean {
  return (
    isDomainError(error, "google_token_rejected") ||
    isDomainError(error, "rate_limited") ||
    isDomainError(error, "google_unavailable")
  );
}
