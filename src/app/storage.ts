import * as fs from "node:fs";
import * as path from "node:path";
import { FileOwnWrites, FileTrackedCalendars } from "../adapters/changes/file-change-tracking.ts";
import { PostgresOwnWrites, PostgresTrackedCalendars } from "../adapters/changes/postgres-change-tracking.ts";
import { SqliteOwnWrites, SqliteTrackedCalendars } from "../adapters/changes/sqlite-change-tracking.ts";
import { PostgresCustomerLock } from "../adapters/postgres/postgres-customer-lock.ts";
import { openPostgresDatabase } from "../adapters/postgres/postgres-database.ts";
import { PostgresIdempotencyRecords } from "../adapters/postgres/postgres-idempotency-records.ts";
import { PostgresPendingAuthorizations } from "../adapters/postgres/postgres-pending-authorizations.ts";
import { PostgresPendingConnections } from "../adapters/postgres/postgres-pending-connections.ts";
import { PostgresRecordResealer } from "../adapters/postgres/postgres-record-resealer.ts";
import { PostgresTokenVault } from "../adapters/postgres/postgres-token-vault.ts";
import { InProcessCustomerLock } from "../adapters/system/in-process-customer-lock.ts";
import { EncryptedFileIdempotencyRecords } from "../adapters/vault/encrypted-file-idempotency-records.ts";
import { EncryptedFilePendingAuthorizations } from "../adapters/vault/encrypted-file-pending-authorizations.ts";
import { EncryptedFilePendingConnections } from "../adapters/vault/encrypted-file-pending-connections.ts";
import { EncryptedFileTokenVault } from "../adapters/vault/encrypted-file-token-vault.ts";
import { RecordSealer } from "../adapters/vault/record-sealer.ts";
import type { ResealableRecords, SealedTable } from "../adapters/vault/resealable-records.ts";
import type { ResealableVault } from "../adapters/vault/resealable-vault.ts";
import { startSqliteCheckpoints } from "../adapters/vault/sqlite-checkpoints.ts";
import { openSqliteTokenDatabase } from "../adapters/vault/sqlite-database.ts";
import { SqliteIdempotencyRecords } from "../adapters/vault/sqlite-idempotency-records.ts";
import { SqlitePendingAuthorizations } from "../adapters/vault/sqlite-pending-authorizations.ts";
import { SqlitePendingConnections } from "../adapters/vault/sqlite-pending-connections.ts";
import { SqliteRecordResealer } from "../adapters/vault/sqlite-record-resealer.ts";
import { SqliteTokenVault } from "../adapters/vault/sqlite-token-vault.ts";
import { FileWebhookOutbox } from "../adapters/webhooks/file-webhook-outbox.ts";
import { NotificationWebhooks } from "../adapters/webhooks/notification-webhooks.ts";
import { PostgresWebhookOutbox } from "../adapters/webhooks/postgres-webhook-outbox.ts";
import { SqliteWebhookOutbox } from "../adapters/webhooks/sqlite-webhook-outbox.ts";
import type { WebhookOutbox } from "../adapters/webhooks/webhook-outbox.ts";
import type { CustomerId } from "../domain/customer-id.ts";
import type { OwnWrites, TrackedCalendars } from "../domain/ports/change-tracking.ts";
import type { CustomerLock, LockPurpose } from "../domain/ports/customer-lock.ts";
import type { IdempotencyRecords } from "../domain/ports/idempotency-records.ts";
import type { PendingAuthorizations } from "../domain/ports/pending-authorizations.ts";
import type { PendingConnections } from "../domain/ports/pending-connections.ts";
import type { TokenVault } from "../domain/ports/token-vault.ts";
import { type Config, ConfigError } from "./config.ts";

/** Everything that lives in the configured token store. */
export interface Storage {
  vault: TokenVault & ResealableVault;
  pending: PendingAuthorizations;
  /** Consents held until the backend confirms them (CALENDAR_SERVER_CONNECT_CONFIRM_URL). */
  pendingConnections: PendingConnections;
  lock: CustomerLock;
  /** Bookings' idempotency keys, in the same store so they hold across instances and restarts. */
  idempotency: IdempotencyRecords;
  /** Webhooks waiting to be sent (and recently sent), sealed like tokens. */
  outbox: WebhookOutbox;
  /**
   * How notifications become webhooks in `outbox`, shared by every writer (the vault writes a
   * connection's with the connection, in one step); null when webhooks are off, and then the
   * vault records none.
   */
  webhooks: NotificationWebhooks | null;
  /** Calendars followed for changes, and the writes our tools made (calendar.events_changed). */
  tracked: TrackedCalendars;
  ownWrites: OwnWrites;
  /** Every long-lived kind of sealed record, for key rotation (`rotate-key`). */
  sealed: SealedRecords;
  /** Resolves when the store answers; rejects with a DomainError otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The sealed records key rotation walks, by kind, in this order. Started authorizations and held
 * connections are sealed too, but live 10 minutes: they expire instead (rotate-key's help says so).
 */
export interface SealedRecords {
  connections: ResealableRecords;
  idempotency_records: ResealableRecords;
  webhooks: ResealableRecords;
  tracked_calendars: ResealableRecords;
}

export interface StorageOptions {
  /** Hears of a PostgreSQL lock lost while its work ran (the work then writes nothing). */
  onLockLost?: (purpose: LockPurpose) => void;
}

/** Open the store named by TOKEN_STORAGE_TYPE, sealing with the configured keys. */
export async function openStorage(
  config: Config,
  type: Config["storage"]["type"] = config.storage.type,
  options: StorageOptions = {},
): Promise<Storage> {
  const key = config.encryption.key;
  if (key === null) throw new ConfigError("TOKEN_ENCRYPTION_KEY", "is required to open the token store");
  const sealer = new RecordSealer({ current: key, previous: config.encryption.previousKeys });
  const webhooks =
    config.webhooks === null ? null : new NotificationWebhooks({ maxAgeMs: config.webhooks.maxAgeMs });
  const withWebhooks = webhooks === null ? {} : { webhooks };
  switch (type) {
    case "sqlite": {
      fs.mkdirSync(path.dirname(path.resolve(config.storage.sqlitePath)), { recursive: true, mode: 0o700 });
      const db = openSqliteTokenDatabase(config.storage.sqlitePath);
      // Booking keys are written twice per keyed booking, on its answer path; waiting for the
      // disk there doubled what a booking adds to Google's time (bun:sqlite blocks the event loop
      // while it waits). They get a connection of their own with synchronous=NORMAL: durable
      // through any crash of the process, kill -9 included. A power loss may roll back what was
      // written since the last checkpoint (sqlite-checkpoints.ts: at most about 250 ms); a retry
      // of such a booking then finds no record, and the booking it repeats is still not made twice:
      // on REST, Google refuses the event id the key derives; on Google's MCP server, the slot
      // is busy with the earlier event, so the retry is refused as a time_conflict naming it
      // (unless it allows conflicts: that one case could book twice after a power loss).
      const bookkeeping = openSqliteTokenDatabase(config.storage.sqlitePath, { synchronous: "NORMAL" });
      const checkpoints = startSqliteCheckpoints(config.storage.sqlitePath, [db, bookkeeping]);
      const vault = new SqliteTokenVault(db, sealer, withWebhooks);
      const table = (name: SealedTable) => new SqliteRecordResealer(db, sealer, name);
      return {
        vault,
        pending: new SqlitePendingAuthorizations(db, sealer),
        pendingConnections: new SqlitePendingConnections(db, sealer),
        lock: new InProcessCustomerLock(),
        idempotency: new SqliteIdempotencyRecords(bookkeeping, sealer),
        outbox: new SqliteWebhookOutbox(db, sealer),
        webhooks,
        tracked: new SqliteTrackedCalendars(db, sealer),
        ownWrites: new SqliteOwnWrites(db),
        sealed: {
          connections: connectionRecords(vault),
          idempotency_records: table("idempotency_records"),
          webhooks: table("webhook_outbox"),
          tracked_calendars: table("tracked_calendars"),
        },
        ping: async () => {
          db.query("SELECT 1").get();
        },
        // close(true) also finalizes the prepared statements the vaults hold.
        close: async () => {
          checkpoints.stop();
          bookkeeping.close(true);
          db.close(true);
        },
      };
    }
    case "encrypted_file": {
      const vault = new EncryptedFileTokenVault({ dir: config.storage.vaultDir, sealer, ...withWebhooks });
      const idempotency = new EncryptedFileIdempotencyRecords({ dir: config.storage.vaultDir, sealer });
      const outbox = new FileWebhookOutbox({ dir: config.storage.vaultDir, sealer });
      const tracked = new FileTrackedCalendars({ dir: config.storage.vaultDir, sealer });
      return {
        vault,
        pending: new EncryptedFilePendingAuthorizations({ dir: config.storage.vaultDir, sealer }),
        pendingConnections: new EncryptedFilePendingConnections({ dir: config.storage.vaultDir, sealer }),
        lock: new InProcessCustomerLock(),
        idempotency,
        outbox,
        webhooks,
        tracked,
        ownWrites: new FileOwnWrites({ dir: config.storage.vaultDir }),
        sealed: {
          connections: connectionRecords(vault),
          idempotency_records: idempotency,
          webhooks: outbox,
          tracked_calendars: tracked,
        },
        ping: async () => {
          await fs.promises.access(config.storage.vaultDir, fs.constants.W_OK);
        },
        close: async () => {},
      };
    }
    case "database": {
      const url = config.storage.databaseUrl;
      if (url === null)
        throw new ConfigError("TOKEN_DATABASE_URL", "is required when TOKEN_STORAGE_TYPE=database");
      // Throws storage_unavailable naming the database (not its password) when it cannot be reached.
      const db = await openPostgresDatabase(url, {
        schema: config.storage.databaseSchema,
        maxConnections: config.storage.databasePoolSize,
      });
      const vault = new PostgresTokenVault(db, sealer, withWebhooks);
      const table = (name: SealedTable) => new PostgresRecordResealer(db, sealer, name);
      return {
        vault,
        pending: new PostgresPendingAuthorizations(db, sealer),
        pendingConnections: new PostgresPendingConnections(db, sealer),
        // Shared by every instance on this database: one refresh and one booking per customer at a time.
        lock: new PostgresCustomerLock(
          db,
          options.onLockLost === undefined ? {} : { onLost: options.onLockLost },
        ),
        idempotency: new PostgresIdempotencyRecords(db, sealer),
        outbox: new PostgresWebhookOutbox(db, sealer),
        webhooks,
        tracked: new PostgresTrackedCalendars(db, sealer),
        ownWrites: new PostgresOwnWrites(db),
        sealed: {
          connections: connectionRecords(vault),
          idempotency_records: table("idempotency_records"),
          webhooks: table("webhook_outbox"),
          tracked_calendars: table("tracked_calendars"),
        },
        ping: () => db.ping(),
        close: () => db.close(),
      };
    }
  }
}

/** Connections as key rotation walks them: the vault's own reseal (it keeps its cache right). */
function connectionRecords(vault: TokenVault & ResealableVault): ResealableRecords {
  return {
    keys: () => vault.listCustomerIds(),
    // Keys come from listCustomerIds: each is a customer id already.
    reseal: (key) => vault.reseal(key as CustomerId),
  };
}
