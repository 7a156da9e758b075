import type { Database, Statement } from "bun:sqlite";
import type { Connection } from "../../domain/connection.ts";
import type { CustomerId } from "../../domain/customer-id.ts";
import type { Notification } from "../../domain/notification.ts";
import type { TokenVault, VaultWriteOptions } from "../../domain/ports/token-vault.ts";
import type { NotificationWebhooks } from "../webhooks/notification-webhooks.ts";
import { SqliteWebhookOutbox } from "../webhooks/sqlite-webhook-outbox.ts";
import { openConnection, sealConnection } from "./connection-codec.ts";
import { OpenedConnectionCache } from "./opened-connection-cache.ts";
import type { RecordSealer } from "./record-sealer.ts";
import type { ResealableVault, ResealOutcome } from "./resealable-vault.ts";
import { sqliteCall } from "./sqlite-database.ts";

type RecordRow = { record: Uint8Array };
type IdRow = { customer_id: string };

const LIST_PAGE = 500;

export interface SqliteTokenVaultOptions {
  /** Connections already opened (by default a cache of this vault's own). */
  opened?: OpenedConnectionCache;
  /** Webhooks on: a write's `notify` goes to the outbox in this database. */
  webhooks?: NotificationWebhooks;
}

/**
 * Sealed connections in SQLite (open the database with openSqliteTokenDatabase). The customer id
 * is the clear primary key, so listing needs no key; the record blob is sealed and bound to it.
 * A write with a notification and that notification's webhook row are one transaction on this
 * connection: both are kept or neither.
 */
export class SqliteTokenVault implements TokenVault, ResealableVault {
  readonly #sealer: RecordSealer;
  readonly #opened: OpenedConnectionCache;
  readonly #select: Statement<RecordRow, [string]>;
  readonly #upsert: Statement<unknown, [string, Uint8Array]>;
  readonly #delete: Statement<unknown, [string]>;
  readonly #page: Statement<IdRow, [string, number]>;
  readonly #swap: Statement<unknown, [string, Uint8Array, Uint8Array]>;
  readonly #update: Statement<unknown, [string, Uint8Array]>;
  readonly #db: Database;
  readonly #webhooks: { outbox: SqliteWebhookOutbox; notifications: NotificationWebhooks } | null;

  constructor(db: Database, sealer: RecordSealer, options: SqliteTokenVaultOptions = {}) {
    this.#db = db;
    this.#sealer = sealer;
    this.#opened = options.opened ?? new OpenedConnectionCache();
    // The outbox on this very connection, so one transaction holds both rows.
    this.#webhooks =
      options.webhooks === undefined
        ? null
        : { outbox: new SqliteWebhookOutbox(db, sealer), notifications: options.webhooks };
    [this.#select, this.#upsert, this.#delete, this.#page, this.#swap, this.#update] = sqliteCall(
      "prepare statements",
      () => [
        db.prepare<RecordRow, [string]>("SELECT record FROM connections WHERE customer_id = ?1"),
        db.prepare<unknown, [string, Uint8Array]>(
          `INSERT INTO connections (customer_id, record) VALUES (?1, ?2)
         ON CONFLICT (customer_id) DO UPDATE SET record = excluded.record`,
        ),
        db.prepare<unknown, [string]>("DELETE FROM connections WHERE customer_id = ?1"),
        db.prepare<IdRow, [string, number]>(
          "SELECT customer_id FROM connections WHERE customer_id > ?1 ORDER BY customer_id LIMIT ?2",
        ),
        // Compare-and-swap: replace only the exact bytes we opened, so a racing put wins.
        db.prepare<unknown, [string, Uint8Array, Uint8Array]>(
          "UPDATE connections SET record = ?3 WHERE customer_id = ?1 AND record = ?2",
        ),
        db.prepare<unknown, [string, Uint8Array]>(
          "UPDATE connections SET record = ?2 WHERE customer_id = ?1",
        ),
      ],
    );
  }

  async get(customerId: CustomerId): Promise<Connection | null> {
    const raw = this.#read(customerId);
    return raw === null ? null : this.#opened.open(this.#sealer, customerId, raw);
  }

  async put(connection: Connection, options: VaultWriteOptions = {}): Promise<void> {
    const sealed = sealConnection(this.#sealer, connection);
    this.#opened.forget(connection.customerId);
    this.#write("store a connection", options.notify, () => {
      this.#upsert.run(connection.customerId, sealed);
      return true;
    });
  }

  async update(connection: Connection, options: VaultWriteOptions = {}): Promise<boolean> {
    const sealed = sealConnection(this.#sealer, connection);
    this.#opened.forget(connection.customerId);
    return this.#write(
      "store a connection",
      options.notify,
      () => this.#update.run(connection.customerId, sealed).changes > 0,
    );
  }

  async delete(customerId: CustomerId, options: VaultWriteOptions = {}): Promise<boolean> {
    this.#opened.forget(customerId);
    return this.#write("delete a connection", options.notify, () => this.#delete.run(customerId).changes > 0);
  }

  /** Pages by key, so a long walk (key rotation) never holds a read transaction open. */
  async *listCustomerIds(): AsyncIterable<CustomerId> {
    let after = "";
    for (;;) {
      const rows = sqliteCall("list customers", () => this.#page.all(after, LIST_PAGE));
      for (const row of rows) yield row.customer_id as CustomerId;
      const last = rows.at(-1);
      if (last === undefined || rows.length < LIST_PAGE) return;
      after = last.customer_id;
    }
  }

  async reseal(customerId: CustomerId): Promise<ResealOutcome> {
    // A lost race means a put just stored a record under the current key: look again.
    for (;;) {
      const raw = this.#read(customerId);
      if (raw === null) return "missing";
      const opened = openConnection(this.#sealer, customerId, raw);
      if (opened.sealedWithCurrentKey) return "current";
      const resealed = sealConnection(this.#sealer, opened.connection);
      const swapped = sqliteCall("reseal a connection", () => this.#swap.run(customerId, raw, resealed));
      if (swapped.changes > 0) return "resealed";
    }
  }

  /**
   * Run `write` (@returns whether it wrote) and, when it wrote and webhooks are on, store the
   * notification's webhook: one IMMEDIATE transaction, so a failure of either keeps neither.
   */
  #write(what: string, notify: Notification | undefined, write: () => boolean): boolean {
    const webhooks = this.#webhooks;
    if (notify === undefined || webhooks === null) return sqliteCall(what, write);
    const webhook = webhooks.notifications.webhookOf(notify);
    const wrote = sqliteCall(what, () =>
      this.#db
        .transaction(() => {
          if (!write()) return false;
          webhooks.outbox.insert(webhook);
          return true;
        })
        .immediate(),
    );
    if (wrote) webhooks.notifications.recorded();
    return wrote;
  }

  #read(customerId: CustomerId): Uint8Array | null {
    return sqliteCall("read a connection", () => this.#select.get(customerId)?.record ?? null);
  }
}
