import * as fs from "node:fs";
import * as path from "node:path";
import type { Connection } from "../../domain/connection.ts";
import type { CustomerId } from "../../domain/customer-id.ts";
import { isCustomerId } from "../../domain/customer-id.ts";
import type { Notification } from "../../domain/notification.ts";
import type { TokenVault, VaultWriteOptions } from "../../domain/ports/token-vault.ts";
import { sha256Hex } from "../webhooks/file-staged-webhooks.ts";
import { FileWebhookOutbox } from "../webhooks/file-webhook-outbox.ts";
import type { NotificationWebhooks } from "../webhooks/notification-webhooks.ts";
import { openConnection, sealConnection } from "./connection-codec.ts";
import { CONNECTION_SUFFIX, connectionFileName, connectionLockName } from "./connection-file-name.ts";
import { sweepDirectory } from "./directory-sweep.ts";
import { FileLocks } from "./file-lock.ts";
import { OpenedConnectionCache } from "./opened-connection-cache.ts";
import {
  ensurePrivateDir,
  fileCall,
  fileCallSync,
  fsyncDir,
  isMissing,
  writeFileDurably,
} from "./private-files.ts";
import { inspectSealedRecord, type RecordSealer } from "./record-sealer.ts";
import type { ResealableVault, ResealOutcome } from "./resealable-vault.ts";

export interface EncryptedFileTokenVaultOptions {
  /** TOKEN_VAULT_DIR; created 0700 if missing, tightened to 0700 if looser. */
  dir: string;
  sealer: RecordSealer;
  /** How long a write waits for another writer's lock on the same record (default 5 s). */
  lockTimeoutMs?: number;
  /** Connections already opened (by default a cache of this vault's own). */
  opened?: OpenedConnectionCache;
  /** Webhooks on: a write's `notify` goes to the outbox beside the records (`webhooks/`). */
  webhooks?: NotificationWebhooks;
}

/**
 * One sealed file per customer, named by a SHA-256 of the customer id: ids may hold characters
 * file systems treat specially (":", case folding), and a listing of the directory shows no id.
 *
 * The file is the sealed record as is; its clear header carries the customer id so
 * listCustomerIds needs no key and opens nothing (a keyed file name would hide nothing more, and
 * would change at every key rotation). Writes replace the file atomically (scratch, fsync,
 * rename, fsync dir) under a per-record lock, which is what lets reseal run beside a live server.
 * A write with a notification stages its webhook first and releases it after, under the same
 * lock, so a crash in between is settled by the record file (file-staged-webhooks.ts).
 */
export class EncryptedFileTokenVault implements TokenVault, ResealableVault {
  readonly #dir: string;
  readonly #sealer: RecordSealer;
  readonly #locks: FileLocks;
  readonly #opened: OpenedConnectionCache;
  readonly #webhooks: { outbox: FileWebhookOutbox; notifications: NotificationWebhooks } | null;
  /**
   * Settles once the start-up sweep (scratch files and locks of gone writers removed, loose
   * record modes tightened) has gone through the whole directory. It runs in the background, so
   * opening a vault of a million records takes no longer than opening an empty one. Never rejects.
   */
  readonly swept: Promise<void>;

  /** @throws DomainError storage_unavailable when the directory cannot be created or read */
  constructor(options: EncryptedFileTokenVaultOptions) {
    this.#dir = path.resolve(options.dir);
    this.#sealer = options.sealer;
    this.#locks = new FileLocks(options.lockTimeoutMs ?? 5000);
    this.#opened = options.opened ?? new OpenedConnectionCache();
    fileCallSync("prepare the vault directory", () => ensurePrivateDir(this.#dir));
    this.#webhooks =
      options.webhooks === undefined
        ? null
        : {
            outbox: new FileWebhookOutbox({ dir: this.#dir, sealer: this.#sealer }),
            notifications: options.webhooks,
          };
    this.swept = sweepDirectory(this.#dir, CONNECTION_SUFFIX).then(() => undefined);
  }

  /** The file a customer's record lives in (tests and operators; the name reveals no id). */
  recordPath(customerId: CustomerId): string {
    return path.join(this.#dir, connectionFileName(customerId));
  }

  async get(customerId: CustomerId): Promise<Connection | null> {
    const raw = await this.#read(customerId);
    return raw === null ? null : this.#opened.open(this.#sealer, customerId, raw);
  }

  async put(connection: Connection, options: VaultWriteOptions = {}): Promise<void> {
    const { customerId } = connection;
    const sealed = sealConnection(this.#sealer, connection);
    this.#opened.forget(customerId);
    await this.#writing(customerId, "store a connection", () =>
      this.#withWebhook(customerId, options.notify, sealed, async () => {
        await writeFileDurably(this.#dir, connectionFileName(customerId), sealed);
        return true;
      }),
    );
  }

  /** Under the record's file lock, which an operator's delete (another process) takes too. */
  async update(connection: Connection, options: VaultWriteOptions = {}): Promise<boolean> {
    const { customerId } = connection;
    const sealed = sealConnection(this.#sealer, connection);
    this.#opened.forget(customerId);
    return this.#writing(customerId, "store a connection", async () => {
      if ((await this.#read(customerId)) === null) return false;
      return this.#withWebhook(customerId, options.notify, sealed, async () => {
        await writeFileDurably(this.#dir, connectionFileName(customerId), sealed);
        return true;
      });
    });
  }

  async delete(customerId: CustomerId, options: VaultWriteOptions = {}): Promise<boolean> {
    this.#opened.forget(customerId);
    return this.#writing(customerId, "delete a connection", async () => {
      // A webhook is staged only for a record that is there to delete.
      const staging = options.notify !== undefined && this.#webhooks !== null;
      if (staging && (await this.#read(customerId)) === null) return false;
      return this.#withWebhook(customerId, options.notify, null, async () => {
        try {
          await fs.promises.unlink(this.recordPath(customerId));
        } catch (error) {
          if (isMissing(error)) return false;
          throw error;
        }
        await fsyncDir(this.#dir);
        return true;
      });
    });
  }

  /**
   * Reads each file's clear header. Files whose header is unreadable, or names a customer whose
   * file this is not (a copied file), are skipped: no id can be trusted from them.
   */
  async *listCustomerIds(): AsyncIterable<CustomerId> {
    const names = await fileCall("list the vault", () => fs.promises.readdir(this.#dir));
    for (const name of names) {
      if (!name.endsWith(CONNECTION_SUFFIX) || name.startsWith(".")) continue;
      const raw = await this.#readFile(path.join(this.#dir, name));
      if (raw === null) continue;
      let binding: string;
      try {
        binding = inspectSealedRecord(raw).binding;
      } catch {
        continue;
      }
      if (isCustomerId(binding) && connectionFileName(binding) === name) yield binding;
    }
  }

  async reseal(customerId: CustomerId): Promise<ResealOutcome> {
    return this.#writing(customerId, "reseal a connection", async () => {
      const raw = await this.#readFile(this.recordPath(customerId));
      if (raw === null) return "missing";
      const opened = openConnection(this.#sealer, customerId, raw);
      if (opened.sealedWithCurrentKey) return "current";
      await writeFileDurably(
        this.#dir,
        connectionFileName(customerId),
        sealConnection(this.#sealer, opened.connection),
      );
      return "resealed";
    });
  }

  /**
   * `work` changes the record file under its lock; with webhooks on, what a crashed writer left
   * staged for this record is settled first, while the file still shows what that write did.
   */
  #writing<T>(customerId: CustomerId, what: string, work: () => Promise<T>): Promise<T> {
    return this.#locked(customerId, what, async () => {
      await this.#webhooks?.outbox.settle(customerId);
      return work();
    });
  }

  /**
   * `write` (@returns whether it changed the file, which then holds `leaves`, or none when null)
   * with the notification's webhook staged before it and released after it. A write that throws
   * leaves the webhook to the record file's verdict: the file may show it done all the same.
   */
  async #withWebhook(
    customerId: CustomerId,
    notify: Notification | undefined,
    leaves: Uint8Array | null,
    write: () => Promise<boolean>,
  ): Promise<boolean> {
    const webhooks = this.#webhooks;
    if (notify === undefined || webhooks === null) return write();
    const staged = await webhooks.outbox.stage(webhooks.notifications.webhookOf(notify), {
      customerId,
      leaves: leaves === null ? null : sha256Hex(leaves),
    });
    let wrote: boolean;
    try {
      wrote = await write();
    } catch (error) {
      await webhooks.outbox.settle(customerId).catch(() => undefined);
      throw error;
    }
    if (!wrote) {
      await staged.discard();
      return false;
    }
    // The write is done: were this to fail, the next settle of this record releases it.
    await staged.release().then(
      () => webhooks.notifications.recorded(),
      () => undefined,
    );
    return true;
  }

  #read(customerId: CustomerId): Promise<Uint8Array | null> {
    return this.#readFile(this.recordPath(customerId));
  }

  async #readFile(file: string): Promise<Uint8Array | null> {
    return fileCall("read a connection", async () => {
      try {
        return new Uint8Array(await fs.promises.readFile(file));
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    });
  }

  #locked<T>(customerId: CustomerId, what: string, work: () => Promise<T>): Promise<T> {
    const lockPath = path.join(this.#dir, connectionLockName(customerId));
    return fileCall(what, () => this.#locks.withLock(lockPath, work));
  }
}
