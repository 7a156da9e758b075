import type { CustomerId } from "../../domain/customer-id.ts";
import type { OwnWrites, TrackedCalendar, TrackedCalendars } from "../../domain/ports/change-tracking.ts";
import type { PostgresDatabase } from "../postgres/postgres-database.ts";
import type { RecordSealer } from "../vault/record-sealer.ts";
import { OWN_WRITE_TTL_MS, openTracked, ownWriteKey, sealTracked } from "./tracked-calendar-codec.ts";

/** Followed calendars in the shared database: any instance finds a channel's customer. */
export class PostgresTrackedCalendars implements TrackedCalendars {
  readonly #db: PostgresDatabase;
  readonly #sealer: RecordSealer;
  readonly #table: string;

  constructor(db: PostgresDatabase, sealer: RecordSealer) {
    this.#db = db;
    this.#sealer = sealer;
    this.#table = db.table("tracked_calendars");
  }

  async get(customerId: CustomerId): Promise<TrackedCalendar | null> {
    const [row] = await this.#db.read<{ record: Uint8Array }>(
      "read a tracked calendar",
      `SELECT record FROM ${this.#table} WHERE customer_id = $1`,
      [customerId],
    );
    return row === undefined ? null : openTracked(this.#sealer, customerId, row.record);
  }

  async put(tracked: TrackedCalendar): Promise<void> {
    await this.#db.query(
      "store a tracked calendar",
      `INSERT INTO ${this.#table} (customer_id, channel_id, channel_expires_at, record) VALUES ($1, $2, $3, $4)
       ON CONFLICT (customer_id) DO UPDATE SET channel_id = excluded.channel_id,
         channel_expires_at = excluded.channel_expires_at, record = excluded.record`,
      [
        tracked.customerId,
        tracked.channel?.id ?? null,
        tracked.channel?.expiration ?? null,
        sealTracked(this.#sealer, tracked),
      ],
    );
  }

  async delete(customerId: CustomerId): Promise<boolean> {
    const result = await this.#db.query(
      "forget a tracked calendar",
      `DELETE FROM ${this.#table} WHERE customer_id = $1`,
      [customerId],
    );
    return result.affectedRows > 0;
  }

  async findByChannel(channelId: string): Promise<CustomerId | null> {
    const [row] = await this.#db.read<{ customer_id: string }>(
      "find a channel",
      `SELECT customer_id FROM ${this.#table} WHERE channel_id = $1`,
      [channelId],
    );
    return (row?.customer_id as CustomerId | undefined) ?? null;
  }

  async channelsExpiringBefore(before: Date): Promise<CustomerId[]> {
    const rows = await this.#db.read<{ customer_id: string }>(
      "list expiring channels",
      `SELECT customer_id FROM ${this.#table} WHERE channel_expires_at IS NULL OR channel_expires_at < $1`,
      [before],
    );
    return rows.map((row) => row.customer_id as CustomerId);
  }

  async customerIds(): Promise<CustomerId[]> {
    const rows = await this.#db.read<{ customer_id: string }>(
      "list tracked calendars",
      `SELECT customer_id FROM ${this.#table} ORDER BY customer_id`,
      [],
    );
    return rows.map((row) => row.customer_id as CustomerId);
  }
}

export class PostgresOwnWrites implements OwnWrites {
  readonly #db: PostgresDatabase;
  readonly #table: string;

  constructor(db: PostgresDatabase) {
    this.#db = db;
    this.#table = db.table("own_writes");
  }

  async remember(eventId: string, stamp: string): Promise<void> {
    const now = Date.now();
    await this.#db.query("forget old writes", `DELETE FROM ${this.#table} WHERE expires_at < $1`, [
      new Date(now),
    ]);
    await this.#db.query(
      "remember a write",
      `INSERT INTO ${this.#table} (write_key, expires_at) VALUES ($1, $2)
       ON CONFLICT (write_key) DO UPDATE SET expires_at = excluded.expires_at`,
      [ownWriteKey(eventId, stamp), new Date(now + OWN_WRITE_TTL_MS)],
    );
  }

  async has(eventId: string, stamp: string): Promise<boolean> {
    const rows = await this.#db.read("look up a write", `SELECT 1 FROM ${this.#table} WHERE write_key = $1`, [
      ownWriteKey(eventId, stamp),
    ]);
    return rows.length > 0;
  }
}
