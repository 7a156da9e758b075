import type { Database } from "bun:sqlite";
import { isDomainError } from "../../domain/errors.ts";
import type { RecordSealer } from "../vault/record-sealer.ts";
import { sqliteCall } from "../vault/sqlite-database.ts";
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
  created_at: number;
  next_attempt_at: number;
  expires_at: number;
  last_error: string | null;
  delivered_at: number | null;
  record?: Uint8Array;
}

const SUMMARY_COLUMNS =
  "id, type, customer_id, status, attempts, created_at, next_attempt_at, expires_at, last_error, delivered_at";

/**
 * The outbox in the SQLite token database. A claim is one UPDATE … RETURNING inside an IMMEDIATE
 * transaction: SQLite holds the write lock for it, so two processes on this host never lease the
 * same row.
 */
export class SqliteWebhookOutbox implements WebhookOutbox {
  readonly #db: Database;
  readonly #sealer: RecordSealer;

  constructor(db: Database, sealer: RecordSealer) {
    this.#db = db;
    this.#sealer = sealer;
  }

  async add(webhook: NewWebhook): Promise<void> {
    sqliteCall("store a webhook", () => this.insert(webhook));
  }

  /**
   * `add`, synchronously: inside a transaction on this outbox's database (the token vault's
   * connection write) it commits or rolls back with it. Throws SQLite's own errors.
   */
  insert(webhook: NewWebhook): void {
    const sealed = sealBody(this.#sealer, webhook.id, webhook.body);
    const at = webhook.createdAt.getTime();
    this.#db
      .query(
        `INSERT INTO webhook_outbox (id, type, customer_id, status, created_at, next_attempt_at, expires_at, record)
         VALUES (?1, ?2, ?3, 'pending', ?4, ?4, ?5, ?6)`,
      )
      .run(webhook.id, webhook.type, webhook.customerId, at, webhook.expiresAt.getTime(), sealed);
  }

  async claim(now: Date, limit: number, owner: string, leaseUntil: Date): Promise<ClaimedWebhook[]> {
    const at = now.getTime();
    const rows = sqliteCall("claim webhooks", () =>
      this.#db
        .transaction(() =>
          this.#db
            .query<Row, [string, number, number, number]>(
              `UPDATE webhook_outbox SET lease_owner = ?1, lease_until = ?2
               WHERE id IN (SELECT id FROM webhook_outbox
                            WHERE status = 'pending' AND next_attempt_at <= ?3
                              AND (lease_until IS NULL OR lease_until <= ?3)
                            ORDER BY next_attempt_at LIMIT ?4)
               RETURNING ${SUMMARY_COLUMNS}, record`,
            )
            .all(owner, leaseUntil.getTime(), at, limit),
        )
        .immediate(),
    );
    const claimed: ClaimedWebhook[] = [];
    for (const row of rows.sort((a, b) => a.created_at - b.created_at)) {
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
    sqliteCall("mark a webhook delivered", () =>
      this.#db
        .query(
          `UPDATE webhook_outbox SET status = 'delivered', delivered_at = ?3, attempts = attempts + 1,
             last_error = NULL, lease_owner = NULL, lease_until = NULL
           WHERE id = ?1 AND status = 'pending' AND (lease_owner = ?2 OR lease_owner IS NULL)`,
        )
        .run(id, owner, at.getTime()),
    );
  }

  async failed(id: string, owner: string, failure: AttemptFailure): Promise<void> {
    sqliteCall("reschedule a webhook", () =>
      this.#db
        .query(
          `UPDATE webhook_outbox SET status = ?3, attempts = attempts + 1, last_error = ?4,
             next_attempt_at = ?5, lease_owner = NULL, lease_until = NULL
           WHERE id = ?1 AND status = 'pending' AND (lease_owner = ?2 OR lease_owner IS NULL)`,
        )
        .run(id, owner, failure.dead ? "dead" : "pending", failure.error, failure.nextAttemptAt.getTime()),
    );
  }

  async list(limit: number): Promise<WebhookSummary[]> {
    const rows = sqliteCall("list webhooks", () =>
      this.#db
        .query<Row, [number]>(
          `SELECT ${SUMMARY_COLUMNS} FROM webhook_outbox ORDER BY created_at DESC, id LIMIT ?1`,
        )
        .all(limit),
    );
    return rows.map(summaryOf);
  }

  async retry(id: string, now: Date, expiresAt: Date): Promise<boolean> {
    const result = sqliteCall("retry a webhook", () =>
      this.#db
        .query(
          `UPDATE webhook_outbox SET status = 'pending', next_attempt_at = ?2, expires_at = ?3,
             lease_owner = NULL, lease_until = NULL
           WHERE id = ?1 AND status <> 'delivered'`,
        )
        .run(id, now.getTime(), expiresAt.getTime()),
    );
    return result.changes > 0;
  }

  async stats(): Promise<OutboxStats> {
    const row = sqliteCall("count webhooks", () =>
      this.#db
        .query<{ pending: number; dead: number; oldest: number | null }, []>(
          `SELECT coalesce(sum(status = 'pending'), 0) AS pending, coalesce(sum(status = 'dead'), 0) AS dead,
             min(CASE WHEN status = 'pending' THEN created_at END) AS oldest FROM webhook_outbox`,
        )
        .get(),
    );
    return {
      pending: row?.pending ?? 0,
      dead: row?.dead ?? 0,
      oldestPendingAt: row?.oldest == null ? null : new Date(row.oldest),
    };
  }

  async purge(before: Date): Promise<number> {
    return sqliteCall("purge webhooks", () =>
      this.#db
        .query("DELETE FROM webhook_outbox WHERE status IN ('delivered', 'dead') AND created_at < ?1")
        .run(before.getTime()),
    ).changes;
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
