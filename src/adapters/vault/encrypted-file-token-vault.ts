import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Connection } from "../../domain/connection.ts";
import type { CustomerId } from "../../domain/customer-id.ts";
import { isCustomerId } from "../../domain/customer-id.ts";
import type { TokenVault } from "../../domain/ports/token-vault.ts";
import { openConnection, sealConnection } from "./connection-codec.ts";
import { sweepDirectory } from "./directory-sweep.ts";
import { FileLocks } from "./file-lock.ts";
import { OpenedConnectionCache } from "./opened-connection-cache.ts";
import {
  ensurePrivateDir,
  fileCall,
  fileCallSync,
  fsyncDir,
  isMissing,
  LOCK_SUFFIX,
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
}

const RECORD_SUFFIX = ".tvr";

/**
 * One sealed file per customer, named by a SHA-256 of the customer id: ids may hold characters
 * file systems treat specially (":", case folding), and a listing of the directory shows no id.
 *
 * The file is the sealed record as is; its clear header carries the customer id so
 * listCustomerIds needs no key and opens nothing (a keyed file name would hide nothing more, and
 * would change at every key rotation). Writes replace the file atomically (scratch, fsync,
 * rename, fsync dir) under a per-record lock, which is what lets reseal run beside a live server.
 */
export class EncryptedFileTokenVault implements TokenVault, ResealableVault {
  readonly #dir: string;
  readonly #sealer: RecordSealer;
  readonly #locks: FileLocks;
  readonly #opened: OpenedConnectionCache;
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
    this.swept = sweepDirectory(this.#dir, RECORD_SUFFIX).then(() => undefined);
  }

  /** The file a customer's record lives in (tests and operators; the name reveals no id). */
  recordPath(customerId: CustomerId): string {
    return path.join(this.#dir, recordName(customerId));
  }

  async get(customerId: CustomerId): Promise<Connection | null> {
    const raw = await this.#read(customerId);
    return raw === null ? null : this.#opened.open(this.#sealer, customerId, raw);
  }

  async put(connection: Connection): Promise<void> {
    const sealed = sealConnection(this.#sealer, connection);
    this.#opened.forget(connection.customerId);
    await this.#locked(connection.customerId, "store a connection", () =>
      writeFileDurably(this.#dir, recordName(connection.customerId), sealed),
    );
  }

  /** Under the record's file lock, which an operator's delete (another process) takes too. */
  async update(connection: Connection): Promise<boolean> {
    const sealed = sealConnection(this.#sealer, connection);
    this.#opened.forget(connection.customerId);
    return this.#locked(connection.customerId, "store a connection", async () => {
      if ((await this.#read(connection.customerId)) === null) return false;
      await writeFileDurably(this.#dir, recordName(connection.customerId), sealed);
      return true;
    });
  }

  async delete(customerId: CustomerId): Promise<boolean> {
    this.#opened.forget(customerId);
    return this.#locked(customerId, "delete a connection", async () => {
      try {
        await fs.promises.unlink(this.recordPath(customerId));
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
      await fsyncDir(this.#dir);
      return true;
    });
  }

  /**
   * Reads each file's clear header. Files whose header is unreadable, or names a customer whose
   * file this is not (a copied file), are skipped: no id can be trusted from them.
   */
  async *listCustomerIds(): AsyncIterable<CustomerId> {
    const names = await fileCall("list the vault", () => fs.promises.readdir(this.#dir));
    for (const name of names) {
      if (!name.endsWith(RECORD_SUFFIX) || name.startsWith(".")) continue;
      const raw = await this.#readFile(path.join(this.#dir, name));
      if (raw === null) continue;
      let binding: string;
      try {
        binding = inspectSealedRecord(raw).binding;
      } catch {
        continue;
      }
      if (isCustomerId(binding) && recordName(binding) === name) yield binding;
    }
  }

  async reseal(customerId: CustomerId): Promise<ResealOutcome> {
    return this.#locked(customerId, "reseal a connection", async () => {
      const raw = await this.#readFile(this.recordPath(customerId));
      if (raw === null) return "missing";
      const opened = openConnection(this.#sealer, customerId, raw);
      if (opened.sealedWithCurrentKey) return "current";
      await writeFileDurably(
        this.#dir,
        recordName(customerId),
        sealConnection(this.#sealer, opened.connection),
      );
      return "resealed";
    });
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
    const lockPath = path.join(this.#dir, `${recordName(customerId)}${LOCK_SUFFIX}`);
    return fileCall(what, () => this.#locks.withLock(lockPath, work));
  }
}

function recordName(customerId: string): string {
  return `${createHash("sha256").update(`customer\0${customerId}`, "utf8").digest("hex")}${RECORD_SUFFIX}`;
}
