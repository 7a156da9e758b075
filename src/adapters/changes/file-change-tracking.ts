import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { CustomerId } from "../../domain/customer-id.ts";
import type { OwnWrites, TrackedCalendar, TrackedCalendars } from "../../domain/ports/change-tracking.ts";
import { FileLocks } from "../vault/file-lock.ts";
import {
  cleanDirectory,
  ensurePrivateDir,
  fileCall,
  fileCallSync,
  fsyncDir,
  isMissing,
  LOCK_SUFFIX,
  writeFileDurably,
} from "../vault/private-files.ts";
import type { RecordSealer } from "../vault/record-sealer.ts";
import type { ResealableRecords } from "../vault/resealable-records.ts";
import type { ResealOutcome } from "../vault/resealable-vault.ts";
import { OWN_WRITE_TTL_MS, openTracked, ownWriteKey, sealTracked } from "./tracked-calendar-codec.ts";

const TRACKED = ".tracked";
const OWN = ".own";

/** One file: what lookups need in clear, the state sealed (base64). */
interface TrackedFile {
  customerId: string;
  channelId: string | null;
  channelExpiresAt: number | null;
  record: string;
}

function prepare(dir: string, suffix: string): string {
  fileCallSync("prepare a change-tracking directory", () => {
    ensurePrivateDir(path.dirname(dir));
    ensurePrivateDir(dir);
    cleanDirectory(dir, suffix);
  });
  return dir;
}

/**
 * Followed calendars beside the encrypted-file vault, one durable file per customer. Writes and
 * removals take the record's lock file, so a reseal (key rotation, another process) never puts
 * back a state replaced or removed meanwhile.
 */
export class FileTrackedCalendars implements TrackedCalendars, ResealableRecords {
  readonly #dir: string;
  readonly #sealer: RecordSealer;
  readonly #locks = new FileLocks(5000);

  constructor(options: { dir: string; sealer: RecordSealer }) {
    this.#dir = prepare(path.join(path.resolve(options.dir), "tracked"), TRACKED);
    this.#sealer = options.sealer;
  }

  async get(customerId: CustomerId): Promise<TrackedCalendar | null> {
    const file = await fileCall("read a tracked calendar", () => this.#read(nameOf(customerId)));
    return file === null ? null : openTracked(this.#sealer, customerId, Buffer.from(file.record, "base64"));
  }

  async put(tracked: TrackedCalendar): Promise<void> {
    const file: TrackedFile = {
      customerId: tracked.customerId,
      channelId: tracked.channel?.id ?? null,
      channelExpiresAt: tracked.channel?.expiration.getTime() ?? null,
      record: Buffer.from(sealTracked(this.#sealer, tracked)).toString("base64"),
    };
    await this.#locked(tracked.customerId, "store a tracked calendar", () => this.#write(file));
  }

  async delete(customerId: CustomerId): Promise<boolean> {
    return this.#locked(customerId, "forget a tracked calendar", async () => {
      try {
        await fs.promises.unlink(path.join(this.#dir, nameOf(customerId)));
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
      await fsyncDir(this.#dir);
      return true;
    });
  }

  async findByChannel(channelId: string): Promise<CustomerId | null> {
    const found = (await this.#all()).find((file) => file.channelId === channelId);
    return (found?.customerId as CustomerId | undefined) ?? null;
  }

  async channelsExpiringBefore(before: Date): Promise<CustomerId[]> {
    return (await this.#all())
      .filter((file) => file.channelExpiresAt === null || file.channelExpiresAt < before.getTime())
      .map((file) => file.customerId as CustomerId);
  }

  async customerIds(): Promise<CustomerId[]> {
    return (await this.#all()).map((file) => file.customerId as CustomerId).sort();
  }

  /** Customer ids, for key rotation. */
  async *keys(): AsyncIterable<string> {
    for (const file of await this.#all()) yield file.customerId;
  }

  async reseal(customerId: string): Promise<ResealOutcome> {
    return this.#locked(customerId, "reseal a tracked calendar", async () => {
      const file = await this.#read(nameOf(customerId));
      if (file === null) return "missing";
      const resealed = this.#sealer.reseal(
        "tracked_calendar",
        customerId,
        Buffer.from(file.record, "base64"),
      );
      if (resealed === null) return "current";
      await this.#write({ ...file, record: Buffer.from(resealed).toString("base64") });
      return "resealed";
    });
  }

  #write(file: TrackedFile): Promise<void> {
    return writeFileDurably(
      this.#dir,
      nameOf(file.customerId),
      new TextEncoder().encode(JSON.stringify(file)),
    );
  }

  #locked<T>(customerId: string, what: string, work: () => Promise<T>): Promise<T> {
    const lockPath = path.join(this.#dir, `${nameOf(customerId)}${LOCK_SUFFIX}`);
    return fileCall(what, () => this.#locks.withLock(lockPath, work));
  }

  async #all(): Promise<TrackedFile[]> {
    return fileCall("list tracked calendars", async () => {
      const files: TrackedFile[] = [];
      for (const name of await fs.promises.readdir(this.#dir)) {
        if (!name.endsWith(TRACKED) || name.startsWith(".")) continue;
        const file = await this.#read(name);
        if (file !== null) files.push(file);
      }
      return files;
    });
  }

  async #read(name: string): Promise<TrackedFile | null> {
    try {
      return JSON.parse(await fs.promises.readFile(path.join(this.#dir, name), "utf8")) as TrackedFile;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }
}

/** Own writes as empty files named by their hash; the file's age says when it may go. */
export class FileOwnWrites implements OwnWrites {
  readonly #dir: string;

  constructor(options: { dir: string }) {
    this.#dir = prepare(path.join(path.resolve(options.dir), "own-writes"), OWN);
  }

  async remember(eventId: string, stamp: string): Promise<void> {
    await fileCall("remember a write", async () => {
      const now = Date.now();
      for (const name of await fs.promises.readdir(this.#dir)) {
        if (!name.endsWith(OWN)) continue;
        const stat = await fs.promises.stat(path.join(this.#dir, name)).catch(() => null);
        if (stat !== null && now - stat.mtimeMs > OWN_WRITE_TTL_MS) {
          await fs.promises.unlink(path.join(this.#dir, name)).catch(() => undefined);
        }
      }
      await writeFileDurably(this.#dir, `${ownWriteKey(eventId, stamp)}${OWN}`, new Uint8Array());
    });
  }

  async has(eventId: string, stamp: string): Promise<boolean> {
    return fileCall("look up a write", async () => {
      try {
        await fs.promises.access(path.join(this.#dir, `${ownWriteKey(eventId, stamp)}${OWN}`));
        return true;
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    });
  }
}

function nameOf(customerId: string): string {
  return `${createHash("sha256").update(`customer\0${customerId}`, "utf8").digest("hex")}${TRACKED}`;
}
