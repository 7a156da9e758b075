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
import {
  type AttemptFailure,
  type ClaimedWebhook,
  type NewWebhook,
  type OutboxStats,
  openBody,
  sealBody,
  type WebhookOutbox,
  type WebhookSummary,
} from "./webhook-outbox.ts";

const SUFFIX = ".webhook";

/** One file: the schedule in clear, the body sealed (base64). */
interface Entry {
  summary: WebhookSummary;
  leaseOwner: string | null;
  leaseUntil: number | null;
  record: string;
}

export interface FileWebhookOutboxOptions {
  /** The vault directory (TOKEN_VAULT_DIR); webhooks live in its `webhooks/` subdirectory. */
  dir: string;
  sealer: RecordSealer;
}

/**
 * The outbox beside the encrypted-file vault, one durable file per webhook. Every change runs
 * under one directory lock (file-lock.ts): processes on this host claim one after the other, so
 * a webhook is leased to one of them. Meant for the small volumes a file store serves.
 */
export class FileWebhookOutbox implements WebhookOutbox {
  readonly #dir: string;
  readonly #sealer: RecordSealer;
  readonly #locks = new FileLocks(10_000);

  /** @throws DomainError storage_unavailable */
  constructor(options: FileWebhookOutboxOptions) {
    this.#dir = path.join(path.resolve(options.dir), "webhooks");
    this.#sealer = options.sealer;
    fileCallSync("prepare the webhook directory", () => {
      ensurePrivateDir(path.dirname(this.#dir));
      ensurePrivateDir(this.#dir);
      cleanDirectory(this.#dir, SUFFIX);
    });
  }

  async add(webhook: NewWebhook): Promise<void> {
    const { body, ...rest } = webhook;
    const entry: Entry = {
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
      record: Buffer.from(sealBody(this.#sealer, webhook.id, body)).toString("base64"),
    };
    await fileCall("store a webhook", () => this.#write(entry));
  }

  async claim(now: Date, limit: number, owner: string, leaseUntil: Date): Promise<ClaimedWebhook[]> {
    const at = now.getTime();
    const leased = await this.#locked("claim webhooks", async () => {
      const due = (await this.#readAll())
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
    const entries = await fileCall("list webhooks", () => this.#readAll());
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
    const summaries = (await fileCall("count webhooks", () => this.#readAll())).map((entry) => entry.summary);
    const pending = summaries.filter((summary) => summary.status === "pending");
    const oldest = Math.min(...pending.map((summary) => summary.createdAt.getTime()));
    return {
      pending: pending.length,
      dead: summaries.filter((summary) => summary.status === "dead").length,
      oldestPendingAt: pending.length === 0 ? null : new Date(oldest),
    };
  }

  async purge(before: Date): Promise<number> {
    return this.#locked("purge webhooks", async () => {
      let removed = 0;
      for (const entry of await this.#readAll()) {
        const finished = entry.summary.status !== "pending";
        if (finished && entry.summary.createdAt.getTime() < before.getTime()) {
          await fs.promises.unlink(this.#file(entry.summary.id));
          removed += 1;
        }
      }
      if (removed > 0) await fsyncDir(this.#dir);
      return removed;
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

  #file(id: string): string {
    return path.join(this.#dir, `${id}${SUFFIX}`);
  }

  async #write(entry: Entry): Promise<void> {
    const text = JSON.stringify(entry);
    await writeFileDurably(this.#dir, `${entry.summary.id}${SUFFIX}`, new TextEncoder().encode(text));
  }

  async #read(id: string): Promise<Entry | null> {
    try {
      return parseEntry(await fs.promises.readFile(this.#file(id), "utf8"));
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async #readAll(): Promise<Entry[]> {
    const names = await fs.promises.readdir(this.#dir);
    const entries: Entry[] = [];
    for (const name of names) {
      if (!name.endsWith(SUFFIX) || name.startsWith(".")) continue;
      const entry = await this.#read(name.slice(0, -SUFFIX.length));
      if (entry !== null) entries.push(entry);
    }
    return entries;
  }
}

function parseEntry(text: string): Entry {
  const raw = JSON.parse(text) as Entry & { summary: Record<string, unknown> };
  const date = (value: unknown): Date => new Date(value as string);
  const summary = raw.summary;
  return {
    ...raw,
    summary: {
      ...(summary as unknown as WebhookSummary),
      createdAt: date(summary.createdAt),
      nextAttemptAt: date(summary.nextAttemptAt),
      expiresAt: date(summary.expiresAt),
      deliveredAt: summary.deliveredAt == null ? null : date(summary.deliveredAt),
    },
  };
}
