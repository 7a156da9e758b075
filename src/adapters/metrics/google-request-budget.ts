import type { GoogleCall } from "../google/google-call-observer.ts";
import type { Logger } from "../logging/logger.ts";

export interface GoogleRequestBudgetOptions {
  /** Calendar requests a day the operator pays for (`GOOGLE_DAILY_REQUEST_BUDGET`); null: no warning. */
  dailyBudget: number | null;
  /** Share of the budget after which to warn (`GOOGLE_DAILY_REQUEST_BUDGET_WARN_RATIO`). */
  warnRatio: number;
  logger: Logger;
  now?: () => Date;
}

/**
 * Counts this instance's Calendar requests per UTC day (Google's quota day for the Standard
 * tier's 5,000 Calendar MCP requests) and logs one warning a day once the count passes the
 * configured share of the budget. Each instance counts its own requests: with several
 * instances, give each its share of the project's budget.
 */
export class GoogleRequestBudget {
  readonly #budget: number | null;
  readonly #threshold: number;
  readonly #logger: Logger;
  readonly #now: () => Date;
  #day = "";
  #count = 0;
  #warned = false;

  constructor(options: GoogleRequestBudgetOptions) {
    this.#budget = options.dailyBudget;
    this.#threshold =
      options.dailyBudget === null ? Number.POSITIVE_INFINITY : options.dailyBudget * options.warnRatio;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
  }

  // An arrow property: handed around as a bare callback.
  readonly onGoogleCall = (call: GoogleCall): void => {
    if (call.api !== "calendar") return;
    const day = this.#now().toISOString().slice(0, 10);
    if (day !== this.#day) {
      this.#day = day;
      this.#count = 0;
      this.#warned = false;
    }
    this.#count += 1;
    if (!this.#warned && this.#count >= this.#threshold) {
      this.#warned = true;
      this.#logger.log("warn", "google_request_budget", {
        day,
        requests: this.#count,
        budget: this.#budget,
        share: Math.round((this.#count / (this.#budget ?? 1)) * 100) / 100,
      });
    }
  };

  /** Requests counted so far today (UTC). */
  today(): number {
    return this.#now().toISOString().slice(0, 10) === this.#day ? this.#count : 0;
  }
}
