import { DomainError } from "../../domain/errors.ts";
import type { NotificationType } from "../../domain/notification.ts";
import type { RecordSealer } from "../vault/record-sealer.ts";

export type WebhookStatus = "pending" | "delivered" | "dead";

/** A webhook as listed: everything but its body, which may hold calendar data and stays sealed. */
export interface WebhookSummary {
  /** The `webhook-id`: the same on every attempt, so receivers can drop duplicates. */
  id: string;
  type: NotificationType;
  customerId: string;
  status: WebhookStatus;
  attempts: number;
  createdAt: Date;
  nextAttemptAt: Date;
  /** Past this, a failed attempt moves the webhook to `dead` instead of retrying. */
  expiresAt: Date;
  lastError: string | null;
  deliveredAt: Date | null;
}

export interface NewWebhook {
  id: string;
  type: NotificationType;
  customerId: string;
  createdAt: Date;
  expiresAt: Date;
  /** The JSON body, signed and sent as is on every attempt. */
  body: string;
}

export interface ClaimedWebhook extends WebhookSummary {
  body: string;
}

export interface AttemptFailure {
  error: string;
  /** When to try again; ignored when `dead`. */
  nextAttemptAt: Date;
  dead: boolean;
}

export interface OutboxStats {
  pending: number;
  dead: number;
  oldestPendingAt: Date | null;
}

/**
 * The durable webhook outbox, in the token store. Claims are leases: a claimed webhook is
 * invisible to other claimers (any process sharing the store) until `leaseUntil`, so each is
 * sent by one instance at a time, and one whose sender died (kill -9) is claimed again after.
 * Every method may throw DomainError storage_unavailable.
 */
export interface WebhookOutbox {
  add(webhook: NewWebhook): Promise<void>;
  /** Lease up to `limit` pending webhooks due by `now` to `owner`, oldest first; bodies opened. */
  claim(now: Date, limit: number, owner: string, leaseUntil: Date): Promise<ClaimedWebhook[]>;
  delivered(id: string, owner: string, at: Date): Promise<void>;
  failed(id: string, owner: string, failure: AttemptFailure): Promise<void>;
  /** The newest first. */
  list(limit: number): Promise<WebhookSummary[]>;
  /**
   * Make a webhook (dead or pending) due now with a fresh expiry, keeping its id.
   * @returns false when no such webhook exists or it was delivered
   */
  retry(id: string, now: Date, expiresAt: Date): Promise<boolean>;
  stats(): Promise<OutboxStats>;
  /** Forget delivered and dead webhooks created before `before`. @returns how many */
  purge(before: Date): Promise<number>;
}

/** Bodies are sealed like tokens (they may carry event summaries), bound to the webhook id. */
export function sealBody(sealer: RecordSealer, id: string, body: string): Uint8Array {
  return sealer.seal("webhook", id, new TextEncoder().encode(body));
}

/** @throws DomainError record_unreadable */
export function openBody(sealer: RecordSealer, id: string, sealed: Uint8Array): string {
  return new TextDecoder().decode(sealer.open("webhook", id, sealed).plaintext);
}

const WEBHOOK_ID = /^msg_[A-Za-z0-9_-]{1,64}$/;

/** @throws DomainError invalid_argument unless `id` looks like one of ours */
export function checkWebhookId(id: string): string {
  if (!WEBHOOK_ID.test(id))
    throw new DomainError("invalid_argument", "A webhook id looks like msg_<letters>");
  return id;
}
