import * as fs from "node:fs";
import * as path from "node:path";
import { DomainError } from "../../domain/errors.ts";
import { isAlive, isMissing, lockHolder, scratchName } from "./private-files.ts";

/** Writers hold a lock for one write and fsync (milliseconds); one this old was left by a crash. */
const STALE_LOCK_MS = 30_000;

/**
 * Exclusive lock on one record, across processes sharing the directory: the lock is a file
 * holding its holder's pid, created exclusively. Calls in this process queue on a promise first,
 * so they do not poll.
 *
 * Known limit: a lock left by a crashed process is broken at once when its pid is dead on this
 * host, and after 30 s otherwise (another host's); two processes breaking the same stale lock in
 * the same instant could both proceed. That needs a crash and a race at once, and the worst
 * outcome is a reseal rewriting a record a put replaced a moment before.
 */
export class FileLocks {
  readonly #timeoutMs: number;
  readonly #tails = new Map<string, Promise<unknown>>();

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** @throws DomainError storage_unavailable when the lock stays taken past the timeout */
  async withLock<T>(lockPath: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(lockPath) ?? Promise.resolve();
    const run = previous.then(
      () => this.#holding(lockPath, work),
      () => this.#holding(lockPath, work),
    );
    const tail = run.catch(() => undefined);
    this.#tails.set(lockPath, tail);
    try {
      return await run;
    } finally {
      if (this.#tails.get(lockPath) === tail) this.#tails.delete(lockPath);
    }
  }

  async #holding<T>(lockPath: string, work: () => Promise<T>): Promise<T> {
    await this.#acquire(lockPath);
    try {
      return await work();
    } finally {
      await fs.promises.unlink(lockPath).catch(() => undefined);
    }
  }

  /**
   * The lock appears with our pid already in it: written to a scratch file, then hard-linked to
   * the lock's name (link fails if the name exists, so it is as exclusive as O_EXCL). A lock
   * created empty and filled after would, if we were killed in between, name no holder, and
   * could only be broken by age.
   */
  async #acquire(lockPath: string): Promise<void> {
    const deadline = Date.now() + this.#timeoutMs;
    const scratch = path.join(path.dirname(lockPath), scratchName(path.basename(lockPath), "tmp"));
    await fs.promises.writeFile(scratch, `${process.pid}\n`, { mode: 0o600, flag: "wx" });
    try {
      for (let attempt = 0; ; attempt += 1) {
        try {
          await fs.promises.link(scratch, lockPath);
          return;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        }
        await breakIfStale(lockPath);
        if (Date.now() > deadline) {
          throw new DomainError(
            "storage_unavailable",
            "The token store is busy: a record stayed locked too long",
          );
        }
        await Bun.sleep(Math.min(50, 1 + attempt) + Math.random() * 3);
      }
    } finally {
      await fs.promises.unlink(scratch).catch(() => undefined);
    }
  }
}

/** A lock is stale when its holder's pid is dead here (killed mid-write) or it is 30 s old. */
async function breakIfStale(lockPath: string): Promise<void> {
  try {
    const stat = await fs.promises.stat(lockPath);
    const holder = lockHolder(lockPath);
    const dead = holder !== null && !isAlive(holder);
    if (dead || Date.now() - stat.mtimeMs > STALE_LOCK_MS) await fs.promises.unlink(lockPath);
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
}
