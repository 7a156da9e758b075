import type { Connection } from "../../domain/connection.ts";
import type { CustomerId } from "../../domain/customer-id.ts";
import type { Notification } from "../../domain/notification.ts";
import type { TokenVault, VaultWriteOptions } from "../../domain/ports/token-vault.ts";
import { openConnection, sealConnection } from "../vault/connection-codec.ts";
import { OpenedConnectionCache } from "../vault/opened-connection-cache.ts";
import type { RecordSealer } from "../vault/record-sealer.ts";
import type { ResealableVault, ResealOutcome } from "../vault/resealable-vault.ts";
import type { NotificationWebhooks } from "../webhooks/notification-webhooks.ts";
import { PostgresWebhookOutbox } from "../webhooks/postgres-webhook-outbox.ts";
import type { PostgresDatabase } from "./postgres-database.ts";

type RecordRow = { record: Uint8Array };
type IdRow = { customer_id: string };

const LIST_PAGE = 500;

export interface PostgresTokenVaultOptions {
  /** Connections already opened (by default a cache of this vault's own). */
  opened?: OpenedConnectionCache;
  /** Webhooks on: a write's `notify` goes to the outbox in this database. */
  webhooks?: NotificationWebhooks;
}

/**
 * Sealed connections in PostgreSQL (open the database with openPostgresDatabase), shared by every
 * server instance. The customer id is the clear primary key (collation "C", so paging by key
 * compares bytes); the record is the RecordSealer's blob, bound to it. Each method is one
 * statement, so a write lands whole or not at all; a write with a notification carries its
 * webhook's INSERT in the same statement (a WITH query), so both land or neither does. A get still reads the row every time, and
 * opens it again only when its bytes differ from the ones it last opened (OpenedConnectionCache):
 * a write by any instance reseals with a fresh nonce, so no instance can serve a stale record.
 */
export class PostgresTokenVault implements TokenVault, ResealableVault {
  readonly #db: PostgresDatabase;
  readonly #sealer: RecordSealer;
  readonly #table: string;
  readonly #opened: OpenedConnectionCache;
  readonly #webhooks: { outbox: PostgresWebhookOutbox; notifications: NotificationWebhooks } | null;

  constructor(db: PostgresDatabase, sealer: RecordSealer, options: PostgresTokenVaultOptions = {}) {
    this.#db = db;
    this.#sealer = sealer;
    this.#table = db.table("connections");
    this.#opened = options.opened ?? new OpenedConnectionCache();
    this.#webhooks =
      options.webhooks === undefined
        ? null
        : { outbox: new PostgresWebhookOutbox(db, sealer), notifications: options.webhooks };
  }

  async get(customerId: CustomerId): Promise<Connection | null> {
    const raw = await this.#read(customerId);
    return raw === null ? null : this.#opened.open(this.#sealer, customerId, raw);
  }

  async put(connection: Connection, options: VaultWriteOptions = {}): Promise<void> {
    this.#opened.forget(connection.customerId);
    const sealed = sealConnection(this.#sealer, connection);
    await this.#write(
      "store a connection",
      `INSERT INTO ${this.#table} (customer_id, record) VALUES ($1, $2)
       ON CONFLICT (customer_id) DO UPDATE SET record = excluded.record, updated_at = now()
       RETURNING customer_id`,
      [connection.customerId, sealed],
      options.notify,
    );
  }

  async update(connection: Connection, options: VaultWriteOptions = {}): Promise<boolean> {
    this.#opened.forget(connection.customerId);
    const sealed = sealConnection(this.#sealer, connection);
    return this.#write(
      "store a connection",
      `UPDATE ${this.#table} SET record = $2, updated_at = now() WHERE customer_id = $1 RETURNING customer_id`,
      [connection.customerId, sealed],
      options.notify,
    );
  }

  async delete(customerId: CustomerId, options: VaultWriteOptions = {}): Promise<boolean> {
    this.#opened.forget(customerId);
    return this.#write(
      "delete a connection",
      `DELETE FROM ${this.#table} WHERE customer_id = $1 RETURNING customer_id`,
      [customerId],
      options.notify,
    );
  }

  /** Pages by key, so a long walk (key rotation) holds no transaction or cursor open. */
  async *listCustomerIds(): AsyncIterable<CustomerId> {
    let after = "";
    for (;;) {
      const rows = await this.#db.read<IdRow>(
        "list customers",
        `SELECT customer_id FROM ${this.#table} WHERE customer_id > $1 ORDER BY customer_id LIMIT $2`,
        [after, LIST_PAGE],
      );
      for (const row of rows) yield row.customer_id as CustomerId;
      const last = rows.at(-1);
      if (last === undefined || rows.length < LIST_PAGE) return;
      after = last.customer_id;
    }
  }

  async reseal(customerId: CustomerId): Promise<ResealOutcome> {
    // A lost race means a put just stored a record under the current key: look again.
    for (;;) {
      const raw = await this.#read(customerId);
      if (raw === null) return "missing";
      const opened = openConnection(this.#sealer, customerId, raw);
      if (opened.sealedWithCurrentKey) return "current";
      const resealed = sealConnection(this.#sealer, opened.connection);
      // Compare-and-swap: replace only the exact bytes we opened, so a racing put wins.
      const swapped = await this.#db.query(
        "reseal a connection",
        `UPDATE ${this.#table} SET record = $3 WHERE customer_id = $1 AND record = $2`,
        [customerId, raw, resealed],
      );
      if (swapped.affectedRows > 0) return "resealed";
    }
  }

  /**
   * Run `statement` (… RETURNING customer_id) and, when it wrote a row and webhooks are on, queue
   * the notification's webhook in the same statement.
   * @returns whether it wrote
   */
  async #write(
    what: string,
    statement: string,
    params: unknown[],
    notify: Notification | undefined,
  ): Promise<boolean> {
    const webhooks = this.#webhooks;
    if (notify === undefined || webhooks === null) {
      return (await this.#db.query(what, statement, params)).affectedRows > 0;
    }
    const queued = webhooks.outbox.insertFor(
      "written",
      params.length + 1,
      webhooks.notifications.webhookOf(notify),
    );
    const { rows } = await this.#db.query<{ written: number }>(
      what,
      `WITH written AS (${statement}), queued AS (${queued.text})
       SELECT count(*)::int AS written FROM written`,
      [...params, ...queued.params],
    );
    const wrote = (rows[0]?.written ?? 0) > 0;
    if (wrote) webhooks.notifications.recorded();
    return wrote;
  }

  async #read(customerId: CustomerId): Promise<Uint8Array | null> {
    const rows = await this.#db.read<RecordRow>(
      "read a connection",
      `SELECT record FROM ${this.#table} WHERE customer_id = $1`,
      [customerId],
    );
    return rows[0]?.record ?? null;
  }
}
