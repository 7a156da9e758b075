import type { Database } from "bun:sqlite";
import type { CustomerId } from "../../domain/customer-id.ts";
import type { OwnWrites, TrackedCalendar, TrackedCalendars } from "../../domain/ports/change-tracking.ts";
import type { RecordSealer } from "../vault/record-sealer.ts";
import { sqliteCall } from "../vault/sqlite-database.ts";
import { OWN_WRITE_TTL_MS, openTracked, ownWriteKey, sealTracked } from "./tracked-calendar-codec.ts";

/** Followed calendars in the SQLite token database; the channel id and expiry in clear, to look up. */
export class SqliteTrackedCalendars implements TrackedCalendars {
  readonly #db: Database;
  readonly #sealer: RecordSealer;

  constructor(db: Database, sealer: RecordSealer) {
    this.#db = db;
    this.#sealer = sealer;
  }

  async get(customerId: CustomerId): Promise<TrackedCalendar | null> {
    const row = sqliteCall("read a tracked calendar", () =>
      this.#db
        .query<{ record: Uint8Array }, [string]>(
          "SELECT record FROM tracked_calendars WHERE customer_id = ?1",
        )
        .get(customerId),
    );
    return row === null ? null : openTracked(this.#sealer, customerId, row.record);
  }

  async put(tracked: TrackedCalendar): Promise<void> {
    const sealed = sealTracked(this.#sealer, tracked);
    sqliteCall("store a tracked calendar", () =>
      this.#db
        .query(
          `INSERT INTO tracked_calendars (customer_id, channel_id, channel_expires_at, record) VALUES (?1, ?2, ?3, ?4)
           ON CONFLICT (customer_id) DO UPDATE SET channel_id = excluded.channel_id,
             channel_expires_at = excluded.channel_expires_at, record = excluded.record`,
        )
        .run(
          tracked.customerId,
          tracked.channel?.id ?? null,
          tracked.channel?.expiration.getTime() ?? null,
          sealed,
        ),
    );
  }

  async delete(customerId: CustomerId): Promise<boolean> {
    return (
      sqliteCall("forget a tracked calendar", () =>
        this.#db.query("DELETE FROM tracked_calendars WHERE customer_id = ?1").run(customerId),
      ).changes > 0
    );
  }

  async findByChannel(channelId: string): Promise<CustomerId | null> {
    const row = sqliteCall("find a channel", () =>
      this.#db
        .query<{ customer_id: string }, [string]>(
          "SELECT customer_id FROM tracked_calendars WHERE channel_id = ?1",
        )
        .get(channelId),
    );
    return (row?.customer_id as CustomerId | undefined) ?? null;
  }

  async channelsExpiringBefore(before: Date): Promise<CustomerId[]> {
    return sqliteCall("list expiring channels", () =>
      this.#db
        .query<{ customer_id: string }, [number]>(
          "SELECT customer_id FROM tracked_calendars WHERE channel_expires_at IS NULL OR channel_expires_at < ?1",
        )
        .all(before.getTime())
        .map((row) => row.customer_id as CustomerId),
    );
  }

  async customerIds(): Promise<CustomerId[]> {
    return sqliteCall("list tracked calendars", () =>
      this.#db
        .query<{ customer_id: string }, []>("SELECT customer_id FROM tracked_calendars ORDER BY customer_id")
        .all()
        .map((row) => row.customer_id as CustomerId),
    );
  }
}

export class SqliteOwnWrites implements OwnWrites {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  async remember(eventId: string, stamp: string): Promise<void> {
    const now = Date.now();
    sqliteCall("remember a write", () => {
      this.#db.query("DELETE FROM own_writes WHERE expires_at < ?1").run(now);
      this.#db
        .query("INSERT OR REPLACE INTO own_writes (write_key, expires_at) VALUES (?1, ?2)")
        .run(ownWriteKey(eventId, stamp), now + OWN_WRITE_TTL_MS);
    });
  }

  async has(eventId: string, stamp: string): Promise<boolean> {
    const row = sqliteCall("look up a write", () =>
      this.#db
        .query("SELECT 1 AS found FROM own_writes WHERE write_key = ?1")
        .get(ownWriteKey(eventId, stamp)),
    );
    return row !== null;
  }
}
