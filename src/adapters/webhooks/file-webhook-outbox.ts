import * as fs from "node:fs";
import * as path from "node:path";
import { isDomainError } from "../../domain/errors.ts";
import { FileLocks } from "../vault/file-lock.ts";
import {
  cleanDirectory,
  ensurePrivateDir,
  fileCall,
  fileCallSync,
  fsyncDir,
  isMissing,
  writeFileDurably,
} from "../vault/private-files.ts";
import type { RecordSealer } from "../vault/record-sealer.ts";
import type { ResealableRecords } from "../vault/resealable-records.ts";
import type { ResealOutcome } from "../vault/resealable-vault.ts";
import { FileStagedWebhooks, type StagedWebhook, type StagedWrite } from "./file-staged-webhooks.ts";
import { type Entry, parseEntry } from "./file-webhook-entry.ts";
import {
  type AttemptFailure,
  type ClaimedWebhook,
  type NewWebhook,
  type OutboxStats,
  openBody,
  sealBody,
  type WebhookOutbox,
  type WebhookStatus,
  type WebhookSummary,
} from "./webhook-outbox.ts";

const SUFFIX = ".webhook";
const STATUSES: readonly WebhookStatus[] = ["pending", "delivered", "dead"];

export interface FileWebhookOutboxOptions {
  /** The vault directory (TOKEN_VAULT_DIR); webhooks live in its `webhooks/` subdirectory. */
  dir: string;
  sealer: RecordSealer;
}

/**
 * The outbox beside the encrypted-file vault, one durable file per webhook. Every change runs
 * under one directory lock (file-lock.ts): processes on this host claim one after the other, so
 * a webhook is leased to one of them. Pending webhooks sit in `webhooks/`, finished ones move to
 * `webhooks/delivered/` or `webhooks/dead/`, so a claim reads only what may still be sent.
 *
 * A connection write's webhook is staged in `webhooks/staged/` first and released after the
 * write (file-staged-webhooks.ts); every claim first settles those a crashed writer left.
 */
export class FileWebhookOutbox implements WebhookOutbox, ResealableRecords {
  readonly #dir: string;
  readonly #sealer: RecordSealer;
  readonly #locks = new FileLocks(10_000);
  readonly #staged: FileStagedWebhooks;

  /** @throws DomainError storage_unavailable */
  constructor(options: FileWebhookOutboxOptions) {
    this.#dir = path.join(path.resolve(options.dir), "webhooks");
    this.#sealer = options.sealer;
    this.#staged = new FileStagedWebhooks({
      vaultDir: path.dirname(this.#dir),
      publish: (entry) => this.#publish(entry),
    });
    fileCallSync("prepare the webhook directory", () => {
      ensurePrivateDir(path.dirname(this.#dir));
      for (const dir of [...STATUSES.map((status) => this.#dirOf(status)), this.#staged.dir]) {
        ensurePrivateDir(dir);
        cleanDirectory(dir, SUFFIX);
      }
      // A crash between writing a finished copy and removing the pending one leaves both.
      for (const finished of ["delivered", "dead"] as const) {
        for (const name of fs.readdirSync(this.#dirOf(finished))) {
          if (name.endsWith(SUFFIX)) fs.rmSync(path.join(this.#dir, name), { force: true });
        }
      }
    });
  }

  async add(webhook: NewWebhook): Promise<void> {
    await fileCall("store a webhook", () => this.#write(entryOf(this.#sealer, webhook)));
  }

  /**
   * Stage the webhook of a connection write about to happen (file-staged-webhooks.ts); the caller
   * (EncryptedFileTokenVault) holds the record's lock.
   */
  stage(webhook: NewWebhook, write: StagedWrite): Promise<StagedWebhook> {
    return this.#staged.stage(entryOf(this.#sealer, webhook), write);
  }

  /** Judge what a crashed writer left staged for this record; the caller holds its lock. */
  settle(customerId: string): Promise<void> {
    return this.#staged.settle(customerId);
  }

  async claim(now: Date, limit: number, owner: string, leaseUntil: Date): Promise<ClaimedWebhook[]> {
    const at = now.getTime();
    await this.#staged.settleAbandoned(at);
    const leased = await this.#locked("claim webhooks", async () => {
      const due = (await this.#readAll(["pending"]))
        .filter(
          (entry) =>
            entry.summary.status === "pending" &&
            entry.summary.nextAttemptAt.getTime() <= at &&
            (entry.leaseUntil === null || entry.leaseUntil <= at),
        )
        .sort((a, b) => a.summary.nextAttemptAt.getTime() - b.summary.nextAttemptAt.getTime())
        .slice(0, limit);
      for (const entry of due)
        await this.#write({ ...entry, leaseOwner: owner, leaseUntil: leaseUntil.getTime() });
      return due;
    });
    const claimed: ClaimedWebhook[] = [];
    for (const entry of leased.sort(
      (a, b) => a.summary.createdAt.getTime() - b.summary.createdAt.getTime(),
    )) {
      const id = entry.summary.id;
      try {
        claimed.push({
          ...entry.summary,
          body: openBody(this.#sealer, id, Buffer.from(entry.record, "base64")),
        });
      } catch (error) {
        if (!isDomainError(error, "record_unreadable")) throw error;
        await this.failed(id, owner, {
          error: "unreadable: no held key opens it",
          nextAttemptAt: now,
          dead: true,
        });
      }
    }
    return claimed;
  }

  async delivered(id: string, owner: string, at: Date): Promise<void> {
    await this.#update("mark a webhook delivered", id, owner, (summary) => ({
      ...summary,
      status: "delivered",
      deliveredAt: at,
      attempts: summary.attempts + 1,
      lastError: null,
    }));
  }

  async failed(id: string, owner: string, failure: AttemptFailure): Promise<void> {
    await this.#update("reschedule a webhook", id, owner, (summary) => ({
      ...summary,
      status: failure.dead ? "dead" : "pending",
      attempts: summary.attempts + 1,
      lastError: failure.error,
      nextAttemptAt: failure.nextAttemptAt,
    }));
  }

  async list(limit: number): Promise<WebhookSummary[]> {
    const entries = await fileCall("list webhooks", () => this.#readAll(STATUSES));
    return entries
      .map((entry) => entry.summary)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.id.localeCompare(b.id))
      .slice(0, limit);
  }

  async retry(id: string, now: Date, expiresAt: Date): Promise<boolean> {
    return this.#locked("retry a webhook", async () => {
      const entry = await this.#read(id);
      if (entry === null || entry.summary.status === "delivered") return false;
      await this.#write({
        ...entry,
        summary: { ...entry.summary, status: "pending", nextAttemptAt: now, expiresAt },
        leaseOwner: null,
        leaseUntil: null,
      });
      return true;
    });
  }

  async stats(): Promise<OutboxStats> {
    return fileCall("count webhooks", async () => {
      const pending = (await this.#readAll(["pending"])).map((entry) => entry.summary.createdAt.getTime());
      const dead = (await fs.promises.readdir(this.#dirOf("dead"))).filter(isRecord).length;
      return {
        pending: pending.length,
        dead,
        oldestPendingAt: pending.length === 0 ? null : new Date(Math.min(...pending)),
      };
    });
  }

  async purge(before: Date): Promise<number> {
    return this.#locked("purge webhooks", async () => {
      let removed = 0;
      for (const status of ["delivered", "dead"] as const) {
        for (const entry of await this.#readAll([status])) {
          if (entry.summary.createdAt.getTime() >= before.getTime()) continue;
          await fs.promises.unlink(this.#file(status, entry.summary.id));
          removed += 1;
        }
        if (removed > 0) await fsyncDir(this.#dirOf(status));
      }
      return removed;
    });
  }

  /** Every webhook's id, whatever its status (a dead one may be retried), for key rotation. */
  async *keys(): AsyncIterable<string> {
    for (const status of STATUSES) {
      const names = await fileCall("list webhooks", () => fs.promises.readdir(this.#dirOf(status)));
      for (const name of names.filter(isRecord)) yield name.slice(0, -SUFFIX.length);
    }
  }

  /** Under the outbox lock, which every change to an existing webhook takes. */
  async reseal(id: string): Promise<ResealOutcome> {
    return this.#locked("reseal a webhook", async () => {
      const entry = await this.#read(id);
      if (entry === null) return "missing";
      const resealed = this.#sealer.reseal("webhook", id, Buffer.from(entry.record, "base64"));
      if (resealed === null) return "current";
      await this.#write({ ...entry, record: Buffer.from(resealed).toString("base64") });
      return "resealed";
    });
  }

  async #update(
    what: string,
    id: string,
    owner: string,
    change: (summary: WebhookSummary) => WebhookSummary,
  ): Promise<void> {
    await this.#locked(what, async () => {
      const entry = await this.#read(id);
      if (entry === null || entry.summary.status !== "pending") return;
      if (entry.leaseOwner !== null && entry.leaseOwner !== owner) return;
      await this.#write({ ...entry, summary: change(entry.summary), leaseOwner: null, leaseUntil: null });
    });
  }

  #locked<T>(what: string, work: () => Promise<T>): Promise<T> {
    return fileCall(what, () => this.#locks.withLock(path.join(this.#dir, "outbox.lock"), work));
  }

  #dirOf(status: WebhookStatus): string {
    return status === "pending" ? this.#dir : path.join(this.#dir, status);
  }

  #file(status: WebhookStatus, id: string): string {
    return path.join(this.#dirOf(status), `${id}${SUFFIX}`);
  }

  /** A released staged webhook becomes pending, unless it already is (or was sent since). */
  async #publish(entry: Entry): Promise<void> {
    if ((await this.#read(entry.summary.id)) === null) await this.#write(entry);
  }

  /** Durably in its status's folder first, then out of any other: never lost in between. */
  async #write(entry: Entry): Promise<void> {
    const { id, status } = entry.summary;
    await writeFileDurably(
      this.#dirOf(status),
      `${id}${SUFFIX}`,
      new TextEncoder().encode(JSON.stringify(entry)),
    );
    for (const other of STATUSES) {
      if (other === status) continue;
      try {
        await fs.promises.unlink(this.#file(other, id));
        await fsyncDir(this.#dirOf(other));
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
  }

  async #read(id: string): Promise<Entry | null> {
    for (const status of STATUSES) {
      try {
        return parseEntry(await fs.promises.readFile(this.#file(status, id), "utf8"));
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
    return null;
  }

  async #readAll(statuses: readonly WebhookStatus[]): Promise<Entry[]> {
    const entries: Entry[] = [];
    for (const status of statuses) {
      for (const name of (await fs.promises.readdir(this.#dirOf(status))).filter(isRecord)) {
        try {
          entries.push(parseEntry(await fs.promises.readFile(path.join(this.#dirOf(status), name), "utf8")));
        } catch (error) {
          if (!isMissing(error)) throw error;
        }
      }
    }
    return entries;
  }
}

function entryOf(sealer: RecordSealer, webhook: NewWebhook): Entry {
  const { body, ...rest } = webhook;
  return {
    summary: {
      ...rest,
      status: "pending",
      attempts: 0,
      nextAttemptAt: webhook.createdAt,
      lastError: null,
      deliveredAt: null,
    },
    leaseOwner: null,
    leaseUntil: null,
    record: Buffer.from(sealBody(sealer, webhook.id, body)).toString("base64"),
  };
}

function isRecord(name: string): boolean {
  return name.endsWith(SUFFIX) && !name.startsWith(".");
}
