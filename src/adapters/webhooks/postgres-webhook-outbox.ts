import { isDomainError } from "../../domain/errors.ts";
import type { PostgresDatabase } from "../postgres/postgres-database.ts";
import type { RecordSealer } from "../vault/record-sealer.ts";
import {
  type AttemptFailure,
  type ClaimedWebhook,
  type NewWebhook,
  type OutboxStats,
  openBody,
  sealBody,
  type WebhookOutbox,
  type WebhookSummary,
} from "./webhook-outbox.ts";

interface Row {
  id: string;
  type: string;
  customer_id: string;
  status: string;
  attempts: number;
  created_at: Date;
  next_attempt_at: Date;
  expires_at: Date;
  last_error: string | null;
  delivered_at: Date | null;
  record?: Uint8Array;
}

const SUMMARY_COLUMNS =
  "id, type, customer_id, status, attempts, created_at, next_attempt_at, expires_at, last_error, delivered_at";

/**
 * The outbox in the shared PostgreSQL database. A claim locks due rows with FOR UPDATE SKIP
 * LOCKED and leases them in the same statement: instances claiming at once get disjoint rows.
 */
export class PostgresWebhookOutbox implements WebhookOutbox {
  readonly #db: PostgresDatabase;
  readonly #sealer: RecordSealer;
  readonly #table: string;

  constructor(db: PostgresDatabase, sealer: RecordSealer) {
    this.#db = db;
    this.#sealer = sealer;
    this.#table = db.table("webhook_outbox");
  }

  async add(webhook: NewWebhook): Promise<void> {
    await this.#db.query(
      "store a webhook",
      `INSERT INTO ${this.#table} (id, type, customer_id, status, created_at, next_attempt_at, expires_at, record)
       VALUES ($1, $2, $3, 'pending', $4, $4, $5, $6)`,
      this.#values(webhook),
    );
  }

  /**
   * The INSERT of `webhook` as one row per row of `source` (a data-modifying WITH query of the
   * caller's statement): the connection write and its webhook then run as one statement, kept
   * together or not at all, and no row is queued when the write changed nothing. Its parameters
   * are numbered from `$first`.
   */
  insertFor(source: string, first: number, webhook: NewWebhook): { text: string; params: unknown[] } {
    const p = (n: number): string => `$${first + n}`;
    return {
      text: `INSERT INTO ${this.#table} (id, type, customer_id, status, created_at, next_attempt_at, expires_at, record)
       SELECT ${p(0)}::text, ${p(1)}::text, ${p(2)}::text, 'pending', ${p(3)}::timestamptz, ${p(3)}::timestamptz,
         ${p(4)}::timestamptz, ${p(5)}::bytea
       FROM ${source}`,
      params: this.#values(webhook),
    };
  }

  #values(webhook: NewWebhook): unknown[] {
    return [
      webhook.id,
      webhook.type,
      webhook.customerId,
      webhook.createdAt,
      webhook.expiresAt,
      sealBody(this.#sealer, webhook.id, webhook.body),
    ];
  }

  async claim(now: Date, limit: number, owner: string, leaseUntil: Date): Promise<ClaimedWebhook[]> {
    const { rows } = await this.#db.query<Row>(
      "claim webhooks",
      `UPDATE ${this.#table} SET lease_owner = $1, lease_until = $2
       WHERE id IN (SELECT id FROM ${this.#table}
                    WHERE status = 'pending' AND next_attempt_at <= $3
                      AND (lease_until IS NULL OR lease_until <= $3)
                    ORDER BY next_attempt_at LIMIT $4
                    FOR UPDATE SKIP LOCKED)
       RETURNING ${SUMMARY_COLUMNS}, record`,
      [owner, leaseUntil, now, limit],
    );
    const claimed: ClaimedWebhook[] = [];
    for (const row of rows.sort((a, b) => a.created_at.getTime() - b.created_at.getTime())) {
      try {
        claimed.push({ ...summaryOf(row), body: openBody(this.#sealer, row.id, row.record as Uint8Array) });
      } catch (error) {
        if (!isDomainError(error, "record_unreadable")) throw error;
        await this.failed(row.id, owner, {
          error: "unreadable: no held key opens it",
          nextAttemptAt: now,
          dead: true,
        });
      }
    }
    return claimed;
  }

  async delivered(id: string, owner: string, at: Date): Promise<void> {
    await this.#db.query(
      "mark a webhook delivered",
      `UPDATE ${this.#table} SET status = 'delivered', delivered_at = $3, attempts = attempts + 1,
         last_error = NULL, lease_owner = NULL, lease_until = NULL
       WHERE id = $1 AND status = 'pending' AND (lease_owner = $2 OR lease_owner IS NULL)`,
      [id, owner, at],
    );
  }

  async failed(id: string, owner: string, failure: AttemptFailure): Promise<void> {
    await this.#db.query(
      "reschedule a webhook",
      `UPDATE ${this.#table} SET status = $3, attempts = attempts + 1, last_error = $4,
         next_attempt_at = $5, lease_owner = NULL, lease_until = NULL
       WHERE id = $1 AND status = 'pending' AND (lease_owner = $2 OR lease_owner IS NULL)`,
      [id, owner, failure.dead ? "dead" : "pending", failure.error, failure.nextAttemptAt],
    );
  }

  async list(limit: number): Promise<WebhookSummary[]> {
    const rows = await this.#db.read<Row>(
      "list webhooks",
      `SELECT ${SUMMARY_COLUMNS} FROM ${this.#table} ORDER BY created_at DESC, id LIMIT $1`,
      [limit],
    );
    return rows.map(summaryOf);
  }

  async retry(id: string, now: Date, expiresAt: Date): Promise<boolean> {
    const result = await this.#db.query(
      "retry a webhook",
      `UPDATE ${this.#table} SET status = 'pending', next_attempt_at = $2, expires_at = $3,
         lease_owner = NULL, lease_until = NULL
       WHERE id = $1 AND status <> 'delivered'`,
      [id, now, expiresAt],
    );
    return result.affectedRows > 0;
  }

  async stats(): Promise<OutboxStats> {
    const [row] = await this.#db.read<{ pending: number; dead: number; oldest: Date | null }>(
      "count webhooks",
      `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
         count(*) FILTER (WHERE status = 'dead')::int AS dead,
         min(created_at) FILTER (WHERE status = 'pending') AS oldest
       FROM ${this.#table}`,
      [],
    );
    return { pending: row?.pending ?? 0, dead: row?.dead ?? 0, oldestPendingAt: row?.oldest ?? null };
  }

  async purge(before: Date): Promise<number> {
    const result = await this.#db.query(
      "purge webhooks",
      `DELETE FROM ${this.#table} WHERE status IN ('delivered', 'dead') AND created_at < $1`,
      [before],
    );
    return result.affectedRows;
  }
}

function summaryOf(row: Row): WebhookSummary {
  return {
    id: row.id,
    type: row.type as WebhookSummary["type"],
    customerId: row.customer_id,
    status: row.status as WebhookSummary["status"],
    attempts: row.attempts,
    createdAt: new Date(row.created_at),
    nextAttemptAt: new Date(row.next_attempt_at),
    expiresAt: new Date(row.expires_at),
    lastError: row.last_error,
    deliveredAt: row.delivered_at === null ? null : new Date(row.delivered_at),
  };
}
