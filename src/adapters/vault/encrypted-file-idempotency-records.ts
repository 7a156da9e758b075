import * as fs from "node:fs";
import * as path from "node:path";
import type { CustomerId } from "../../domain/customer-id.ts";
import { DomainError, isDomainError } from "../../domain/errors.ts";
import type {
  ClaimOutcome,
  IdempotencyClaim,
  IdempotencyRecord,
  IdempotencyRecords,
} from "../../domain/ports/idempotency-records.ts";
import { FileLocks } from "./file-lock.ts";
import {
  checkEventId,
  idempotencyRecordId,
  newAttempt,
  openIdempotencyRecord,
  pendingRecord,
  sealIdempotencyRecord,
} from "./idempotency-record-codec.ts";
import {
  cleanDirectory,
  ensurePrivateDir,
  fileCall,
  fileCallSync,
  fsyncDir,
  isMissing,
  LOCK_SUFFIX,
  scratchName,
  writeFileDurably,
} from "./private-files.ts";
import type { RecordSealer } from "./record-sealer.ts";
import type { ResealableRecords } from "./resealable-records.ts";
import type { ResealOutcome } from "./resealable-vault.ts";

export interface EncryptedFileIdempotencyRecordsOptions {
  /** The vault directory (TOKEN_VAULT_DIR); records live in its `idempotency/` subdirectory. */
  dir: string;
  sealer: RecordSealer;
  /** How long a change waits for another writer's lock on the same record (default 5 s). */
  lockTimeoutMs?: number;
}

const SUFFIX = ".idem";
/** A claim that keeps finding the record released under it gives up after this many rounds. */
const CLAIM_ROUNDS = 8;

/**
 * One sealed file per (customer, key), named by their hash. A claim creates the file with its
 * content already in place (a scratch file hard-linked to the name: link fails when the name
 * exists, so among any number of processes exactly one creates it). Every later change
 * (complete, release, take-over, purge) reads, checks and rewrites or removes the file under the
 * record's lock file, so a change made by one attempt can never undo another's.
 */
export class EncryptedFileIdempotencyRecords implements IdempotencyRecords, ResealableRecords {
  readonly #dir: string;
  readonly #sealer: RecordSealer;
  readonly #locks: FileLocks;

  /** @throws DomainError storage_unavailable when the directory cannot be created or read */
  constructor(options: EncryptedFileIdempotencyRecordsOptions) {
    this.#dir = path.join(path.resolve(options.dir), "idempotency");
    this.#sealer = options.sealer;
    this.#locks = new FileLocks(options.lockTimeoutMs ?? 5000);
    fileCallSync("prepare the idempotency directory", () => {
      ensurePrivateDir(path.dirname(this.#dir));
      ensurePrivateDir(this.#dir);
      cleanDirectory(this.#dir, SUFFIX);
    });
  }

  /** The file a (customer, key) record lives in (tests and operators; the name reveals neither). */
  recordPath(claim: Pick<IdempotencyClaim, "customerId" | "key">): string {
    return path.join(this.#dir, `${idempotencyRecordId(claim.customerId, claim.key)}${SUFFIX}`);
  }

  async claim(claim: IdempotencyClaim, now: Date): Promise<ClaimOutcome> {
    const record = pendingRecord(claim, now);
    const id = idempotencyRecordId(record.customerId, record.key);
    const sealed = sealIdempotencyRecord(this.#sealer, id, record);
    for (let round = 0; round < CLAIM_ROUNDS; round += 1) {
      if (await fileCall("claim an idempotency key", () => this.#create(id, sealed))) {
        return { claimed: true, record };
      }
      const existing = await this.#read(id);
      if (existing !== null) return { claimed: false, existing };
    }
    throw new DomainError("storage_unavailable", "The token store is busy: an idempotency key kept changing");
  }

  async isRecorded(customerId: CustomerId, key: string): Promise<boolean> {
    return (await this.#readRaw(idempotencyRecordId(customerId, key))) !== null;
  }

  async takeOver(stale: IdempotencyRecord, now: Date): Promise<ClaimOutcome> {
    const record: IdempotencyRecord = { ...stale, state: "pending", attempt: newAttempt(), updatedAt: now };
    const id = idempotencyRecordId(stale.customerId, stale.key);
    const outcome = await this.#locked(id, "take over an idempotency key", async () => {
      const current = await this.#read(id);
      if (current === null) return null;
      if (!holds(current, stale)) return { claimed: false, existing: current } as const;
      await writeFileDurably(this.#dir, `${id}${SUFFIX}`, sealIdempotencyRecord(this.#sealer, id, record));
      return { claimed: true, record } as const;
    });
    return outcome ?? this.claim(stale, now);
  }

  /** @throws also DomainError record_unreadable when the stored record cannot be opened */
  async complete(claimed: IdempotencyRecord, eventId: string, now: Date): Promise<boolean> {
    checkEventId(eventId);
    const id = idempotencyRecordId(claimed.customerId, claimed.key);
    const completed: IdempotencyRecord = { ...claimed, state: "completed", eventId, updatedAt: now };
    const sealed = sealIdempotencyRecord(this.#sealer, id, completed);
    return this.#locked(id, "complete an idempotency key", async () => {
      const current = await this.#read(id);
      if (current === null || !holds(current, claimed)) return false;
      await writeFileDurably(this.#dir, `${id}${SUFFIX}`, sealed);
      return true;
    });
  }

  /** @throws also DomainError record_unreadable when the stored record cannot be opened */
  async release(claimed: IdempotencyRecord): Promise<boolean> {
    const id = idempotencyRecordId(claimed.customerId, claimed.key);
    return this.#locked(id, "release an idempotency key", async () => {
      const current = await this.#read(id);
      if (current === null || !holds(current, claimed)) return false;
      await this.#remove(id);
      return true;
    });
  }

  /**
   * Opens each record for its last change (it is sealed with the rest); one no held key opens
   * is judged by its file's modification time, which its last write set.
   */
  async purgeOlderThan(cutoff: Date): Promise<number> {
    const names = await fileCall("list idempotency records", () => fs.promises.readdir(this.#dir));
    let dropped = 0;
    for (const name of names) {
      if (!name.endsWith(SUFFIX) || name.startsWith(".")) continue;
      const id = name.slice(0, -SUFFIX.length);
      const removed = await this.#locked(id, "purge idempotency records", async () => {
        const changed = await this.#lastChange(id);
        if (changed === null || changed.getTime() >= cutoff.getTime()) return false;
        await this.#remove(id);
        return true;
      });
      if (removed) dropped += 1;
    }
    return dropped;
  }

  /** Record ids (hashes of customer and key), for key rotation. */
  async *keys(): AsyncIterable<string> {
    const names = await fileCall("list idempotency records", () => fs.promises.readdir(this.#dir));
    for (const name of names) {
      if (name.endsWith(SUFFIX) && !name.startsWith(".")) yield name.slice(0, -SUFFIX.length);
    }
  }

  /** Under the record's lock, which every change but the first claim takes (a claim never replaces a file). */
  async reseal(id: string): Promise<ResealOutcome> {
    return this.#locked(id, "reseal an idempotency key", async () => {
      const raw = await this.#readRaw(id);
      if (raw === null) return "missing";
      const resealed = this.#sealer.reseal("idempotency_record", id, raw);
      if (resealed === null) return "current";
      await writeFileDurably(this.#dir, `${id}${SUFFIX}`, resealed);
      return "resealed";
    });
  }

  /** Create the record file with its content, unless it exists. @returns whether it was created */
  async #create(id: string, sealed: Uint8Array): Promise<boolean> {
    const name = `${id}${SUFFIX}`;
    const scratch = path.join(this.#dir, scratchName(name, "tmp"));
    const handle = await fs.promises.open(scratch, "wx", 0o600);
    try {
      try {
        await handle.writeFile(sealed);
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await fs.promises.link(scratch, path.join(this.#dir, name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
        throw error;
      }
      await fsyncDir(this.#dir);
      return true;
    } finally {
      await fs.promises.unlink(scratch).catch(() => undefined);
    }
  }

  /** @throws DomainError record_unreadable */
  async #read(id: string): Promise<IdempotencyRecord | null> {
    const raw = await this.#readRaw(id);
    return raw === null ? null : openIdempotencyRecord(this.#sealer, id, raw);
  }

  async #readRaw(id: string): Promise<Uint8Array | null> {
    return fileCall("read an idempotency key", async () => {
      try {
        return new Uint8Array(await fs.promises.readFile(path.join(this.#dir, `${id}${SUFFIX}`)));
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    });
  }

  async #lastChange(id: string): Promise<Date | null> {
    try {
      return (await this.#read(id))?.updatedAt ?? null;
    } catch (error) {
      if (!isDomainError(error, "record_unreadable")) throw error;
      const stat = await fs.promises.stat(path.join(this.#dir, `${id}${SUFFIX}`)).catch(() => null);
      return stat === null ? null : stat.mtime;
    }
  }

  async #remove(id: string): Promise<void> {
    try {
      await fs.promises.unlink(path.join(this.#dir, `${id}${SUFFIX}`));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    await fsyncDir(this.#dir);
  }

  #locked<T>(id: string, what: string, work: () => Promise<T>): Promise<T> {
    const lockPath = path.join(this.#dir, `${id}${SUFFIX}${LOCK_SUFFIX}`);
    return fileCall(what, () => this.#locks.withLock(lockPath, work));
  }
}

/** Whether `current` is still the pending claim `attempt` made. */
function holds(current: IdempotencyRecord, attempt: IdempotencyRecord): boolean {
  return current.state === "pending" && current.attempt === attempt.attempt;
}
