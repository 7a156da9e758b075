import { hostname } from "node:os";
import { type Logger, loggedErrorCode } from "../logging/logger.ts";
import { abortAfter } from "../shared/abort-after.ts";
import { retryDelayMs } from "./retry-schedule.ts";
import type { ClaimedWebhook, OutboxStats, WebhookOutbox } from "./webhook-outbox.ts";
import { signWebhook } from "./webhook-signature.ts";

export type DeliveryOutcome = "delivered" | "retrying" | "dead";

export interface WebhookDelivererOptions {
  outbox: WebhookOutbox;
  url: string;
  secrets: readonly Uint8Array[];
  /** Per attempt; the lease on a claimed webhook outlasts it by a margin. */
  timeoutMs: number;
  logger: Logger;
  /** How often the outbox is looked at when nothing nudges the deliverer. */
  pollMs?: number;
  /** Webhooks sent at once. */
  batch?: number;
  onAttempt?: (type: string, outcome: DeliveryOutcome) => void;
  onStats?: (stats: OutboxStats, now: Date) => void;
  /** Finished webhooks are kept this long for `webhooks list`, then purged. */
  keepFinishedMs?: number;
  fetch?: typeof fetch;
}

const LEASE_MARGIN_MS = 5000;
const STATS_EVERY_MS = 5000;
const PURGE_EVERY_MS = 60 * 60 * 1000;

/**
 * Sends the outbox's due webhooks, signed, at least once. Every instance runs one; the outbox's
 * leases make each webhook go out from one instance at a time. Wall time throughout: schedules
 * and leases are shared with other processes, not the (testable) domain clock.
 */
export class WebhookDeliverer {
  readonly #options: WebhookDelivererOptions;
  readonly #owner = `${hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;
  #running = false;
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #nudged = false;
  #lastStats = 0;
  #lastPurge = 0;

  constructor(options: WebhookDelivererOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** A webhook was just stored: look now rather than at the next poll. */
  readonly nudge = (): void => {
    this.#nudged = true;
    this.#wake?.();
  };

  /** Stops claiming; attempts in flight finish (or their leases expire for another instance). */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
  }

  /** Claim and send one batch. @returns how many were claimed */
  async deliverDue(): Promise<number> {
    const now = new Date();
    const batch = this.#options.batch ?? 20;
    const leaseUntil = new Date(now.getTime() + this.#options.timeoutMs + LEASE_MARGIN_MS);
    const claimed = await this.#options.outbox.claim(now, batch, this.#owner, leaseUntil);
    await Promise.all(claimed.map((webhook) => this.#attempt(webhook)));
    return claimed.length;
  }

  async #run(): Promise<void> {
    const pollMs = this.#options.pollMs ?? 1000;
    while (this.#running) {
      this.#nudged = false;
      let full = false;
      try {
        full = (await this.deliverDue()) === (this.#options.batch ?? 20);
        await this.#housekeeping();
      } catch (error) {
        // The code, never the message: a store's error can quote its connection string.
        this.#options.logger.log("error", "webhook_outbox_unavailable", { error: loggedErrorCode(error) });
      }
      if (full || this.#nudged || !this.#running) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = null;
    }
  }

  async #housekeeping(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastStats >= STATS_EVERY_MS && this.#options.onStats !== undefined) {
      this.#lastStats = now;
      this.#options.onStats(await this.#options.outbox.stats(), new Date(now));
    }
    if (now - this.#lastPurge >= PURGE_EVERY_MS) {
      this.#lastPurge = now;
      const keep = this.#options.keepFinishedMs ?? 7 * 24 * 60 * 60 * 1000;
      await this.#options.outbox.purge(new Date(now - keep));
    }
  }

  async #attempt(webhook: ClaimedWebhook): Promise<void> {
    const error = await this.#send(webhook);
    const now = new Date();
    const { outbox, logger, onAttempt } = this.#options;
    const fields = { webhook_id: webhook.id, type: webhook.type, attempt: webhook.attempts + 1 };
    if (error === null) {
      await outbox.delivered(webhook.id, this.#owner, now);
      onAttempt?.(webhook.type, "delivered");
      logger.log("info", "webhook_delivered", fields);
      return;
    }
    const nextAttemptAt = new Date(now.getTime() + retryDelayMs(webhook.attempts + 1));
    const dead = nextAttemptAt.getTime() > webhook.expiresAt.getTime();
    await outbox.failed(webhook.id, this.#owner, { error, nextAttemptAt, dead });
    onAttempt?.(webhook.type, dead ? "dead" : "retrying");
    logger.log(dead ? "error" : "warn", dead ? "webhook_dead" : "webhook_failed", { ...fields, error });
  }

  /** @returns null when the receiver took it (2xx), else why not — never the body */
  async #send(webhook: ClaimedWebhook): Promise<string | null> {
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const status = await abortAfter(this.#options.timeoutMs, async (signal) => {
        const response = await (this.#options.fetch ?? fetch)(this.#options.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "user-agent": "mcp-calendar-webhooks/1",
            "webhook-id": webhook.id,
            "webhook-timestamp": String(timestamp),
            "webhook-signature": signWebhook(this.#options.secrets, webhook.id, timestamp, webhook.body),
          },
          body: webhook.body,
          // A redirect could carry the signed body somewhere the operator did not configure.
          redirect: "manual",
          signal,
        });
        await response.body?.cancel().catch(() => undefined);
        return response.status;
      });
      return status >= 200 && status < 300 ? null : `HTTP ${status}`;
    } catch (error) {
      const name = error instanceof Error ? error.name : "Error";
      return name === "TimeoutError" ? "timeout" : `network error (${name})`;
    }
  }
}
