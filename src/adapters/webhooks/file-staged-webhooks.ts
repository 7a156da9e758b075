import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { isDomainError } from "../../domain/errors.ts";
import { connectionFileName, connectionKey, connectionLockName } from "../vault/connection-file-name.ts";
import { FileLocks } from "../vault/file-lock.ts";
import { fileCall, fsyncDir, isMissing, writeFileDurably } from "../vault/private-files.ts";
import { type Entry, entryFromJson } from "./file-webhook-entry.ts";

/** A live writer keeps a webhook staged for one file write (milliseconds); the scan leaves younger ones be. */
const STAGED_GRACE_MS = 5000;
/** How long the scan waits for a record's lock before leaving its staged webhooks to the next scan. */
const SETTLE_LOCK_MS = 1000;
const SUFFIX = ".webhook";

/** What a connection write leaves behind, by which its staged webhook is judged after a crash. */
export interface StagedWrite {
  customerId: string;
  /**
   * SHA-256 (hex, `sha256Hex`) of the sealed record the write leaves as the customer's file
   * (unique to this write: every seal has a fresh random nonce); null when it removes the file.
   */
  leaves: string | null;
}

/** A webhook staged beside its connection write, until the write is done or known not done. */
export interface StagedWebhook {
  /** The write happened: the webhook becomes pending. */
  release(): Promise<void>;
  /** The write changed nothing: the webhook is forgotten. */
  discard(): Promise<void>;
}

interface StagedEntry {
  entry: Entry;
  write: StagedWrite;
}

export interface FileStagedWebhooksOptions {
  /** The vault directory: the records and their locks; staged webhooks go in `webhooks/staged/`. */
  vaultDir: string;
  /** Makes an entry pending in the outbox unless one with its id is there (in any status). */
  publish: (entry: Entry) => Promise<void>;
}

/**
 * A connection write and its webhook in the encrypted-file store, which has no transactions:
 * three durable steps, all under the record's file lock (EncryptedFileTokenVault's):
 *   1. `stage`: the webhook goes to `webhooks/staged/`, where no claim sees it, with what the
 *      write will leave (the SHA-256 of the sealed record it writes, or no file for a delete);
 *   2. the vault writes (or removes) the connection file;
 *   3. `release`: the webhook becomes pending in the outbox and is delivered.
 * A crash between steps leaves a staged webhook, and the record file alone tells whether its
 * write happened: the file it was to leave (that very seal) means yes, so it is released;
 * anything else means no, so it is dropped. `settle` judges under the same lock, so no writer is
 * between steps and no later write has hidden the evidence: the vault settles a record's staged
 * webhooks before each write of that record (reseal included), and the outbox's every claim (the
 * deliverer's scan, from its start) settles those staged longer than a grace period. No webhook
 * is sent for a write that never happened, and none is lost for one that did.
 */
export class FileStagedWebhooks {
  readonly #vaultDir: string;
  readonly #dir: string;
  readonly #publish: (entry: Entry) => Promise<void>;
  /** Record locks (the vault's), taken by the scan that settles abandoned staged webhooks. */
  readonly #recordLocks = new FileLocks(SETTLE_LOCK_MS);

  constructor(options: FileStagedWebhooksOptions) {
    this.#vaultDir = options.vaultDir;
    this.#dir = path.join(options.vaultDir, "webhooks", "staged");
    this.#publish = options.publish;
  }

  /** Where staged webhooks are (the outbox prepares and cleans it). */
  get dir(): string {
    return this.#dir;
  }

  /** Step 1; the caller holds the record's lock. */
  async stage(entry: Entry, write: StagedWrite): Promise<StagedWebhook> {
    const staged: StagedEntry = { entry, write };
    const name = `${connectionKey(write.customerId)}.${entry.summary.id}${SUFFIX}`;
    await fileCall("stage a webhook", () =>
      writeFileDurably(this.#dir, name, new TextEncoder().encode(JSON.stringify(staged))),
    );
    return {
      release: () => fileCall("release a webhook", () => this.#finish(name, staged, true)),
      discard: () => fileCall("drop a webhook", () => this.#finish(name, staged, false)),
    };
  }

  /**
   * Judge the customer's staged webhooks by the record file: released when it is what their write
   * was to leave, dropped otherwise. The caller holds the record's lock.
   */
  async settle(customerId: string): Promise<void> {
    await fileCall("settle staged webhooks", () => this.#settle(customerId));
  }

  /** Staged webhooks older than the grace period at `now`: their writer died between steps. */
  async settleAbandoned(now: number): Promise<void> {
    await fileCall("settle staged webhooks", async () => {
      for (const name of (await fs.promises.readdir(this.#dir)).filter(isStaged)) {
        const staged = await this.#read(name);
        if (staged === null || now - staged.entry.summary.createdAt.getTime() < STAGED_GRACE_MS) continue;
        const { customerId } = staged.write;
        const lock = path.join(this.#vaultDir, connectionLockName(customerId));
        try {
          await this.#recordLocks.withLock(lock, () => this.#settle(customerId));
        } catch (error) {
          // The record stayed locked: its writer settles it, or the next scan does.
          if (!isDomainError(error, "storage_unavailable")) throw error;
        }
      }
    });
  }

  async #settle(customerId: string): Promise<void> {
    const prefix = `${connectionKey(customerId)}.`;
    for (const name of await fs.promises.readdir(this.#dir)) {
      if (!isStaged(name) || !name.startsWith(prefix)) continue;
      const staged = await this.#read(name);
      if (staged !== null) await this.#finish(name, staged, await this.#happened(staged.write));
    }
  }

  /** Whether the record file is what the staged write was to leave. */
  async #happened(write: StagedWrite): Promise<boolean> {
    let bytes: Buffer;
    try {
      bytes = await fs.promises.readFile(path.join(this.#vaultDir, connectionFileName(write.customerId)));
    } catch (error) {
      if (isMissing(error)) return write.leaves === null;
      throw error;
    }
    return write.leaves !== null && sha256Hex(bytes) === write.leaves;
  }

  /** Released: published first, then out of `staged/` (a crash in between publishes it again: a no-op). */
  async #finish(name: string, staged: StagedEntry, release: boolean): Promise<void> {
    if (release) await this.#publish(staged.entry);
    try {
      await fs.promises.unlink(path.join(this.#dir, name));
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    await fsyncDir(this.#dir);
  }

  async #read(name: string): Promise<StagedEntry | null> {
    let text: string;
    try {
      text = await fs.promises.readFile(path.join(this.#dir, name), "utf8");
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    const raw = JSON.parse(text) as { entry: unknown; write: StagedWrite };
    return { entry: entryFromJson(raw.entry), write: raw.write };
  }
}

/** What EncryptedFileTokenVault's write leaves as the file, for StagedWrite.leaves. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function isStaged(name: string): boolean {
  return name.endsWith(SUFFIX) && !name.startsWith(".");
}
