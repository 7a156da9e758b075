import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { DomainError, isDomainError } from "../../domain/errors.ts";

/** Files left by a writer that died mid-way: `.<name>.<pid>.<random>.tmp` or `.claimed`. */
const STRAY = /^\..+\.(\d+)\.[0-9a-f]{16}\.(tmp|claimed)$/;
/** Another host's writer cannot be checked by pid: anything this old is abandoned. */
const STRAY_AGE_MS = 60_000;
/** A record's lock file (file-lock.ts): `<record>.lock`, holding the holder's pid. */
export const LOCK_SUFFIX = ".lock";

/**
 * Create `dir` (and parents) if missing and make sure it is 0700: tokens are sealed, but the
 * directory still tells who is connected and when.
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((fs.statSync(dir).mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
}

/** A name no other writer (process or concurrent call) uses for a scratch file. */
export function scratchName(base: string, suffix: "tmp" | "claimed"): string {
  return `.${base}.${process.pid}.${randomBytes(8).toString("hex")}.${suffix}`;
}

/**
 * Replace `dir/name` atomically and durably: write a 0600 scratch file, fsync it, rename it over,
 * fsync the directory so the rename itself survives a crash.
 */
export async function writeFileDurably(dir: string, name: string, bytes: Uint8Array): Promise<void> {
  const scratch = path.join(dir, scratchName(name, "tmp"));
  const handle = await fs.promises.open(scratch, "wx", 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.promises.unlink(scratch).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await fs.promises.rename(scratch, path.join(dir, name));
  } catch (error) {
    await fs.promises.unlink(scratch).catch(() => undefined);
    throw error;
  }
  await fsyncDir(dir);
}

export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Remove scratch files and record locks whose writer is gone (its pid is dead here, or the file
 * is older than a minute), and tighten record files a looser umask or a copy left readable. A
 * live writer in another process sharing the directory keeps its fresh scratch file and lock.
 * @returns the names removed
 */
export function cleanDirectory(dir: string, recordSuffix: string): string[] {
  const now = Date.now();
  return fs.readdirSync(dir).filter((name) => cleanEntry(dir, name, recordSuffix, now));
}

/**
 * What cleanDirectory does to one entry of `dir`, judged at time `now`.
 * @returns whether the entry was removed
 */
export function cleanEntry(dir: string, name: string, recordSuffix: string, now: number): boolean {
  const full = path.join(dir, name);
  const stray = STRAY.exec(name);
  const isLock = name.endsWith(LOCK_SUFFIX);
  if (stray !== null || isLock) {
    const writer = stray !== null ? Number(stray[1]) : lockHolder(full);
    const gone = writer !== null && !isAlive(writer);
    const stat = statOrNull(full);
    if (stat !== null && (gone || now - stat.mtimeMs > STRAY_AGE_MS)) {
      unlinkIfPresent(full);
      return true;
    }
  } else if (name.endsWith(recordSuffix)) {
    const stat = statOrNull(full);
    if (stat !== null && (stat.mode & 0o077) !== 0) fs.chmodSync(full, 0o600);
  }
  return false;
}

/** The pid a record lock names (file-lock.ts writes it), or null while it is still being written. */
export function lockHolder(lockPath: string): number | null {
  let text: string;
  try {
    text = fs.readFileSync(lockPath, "utf8");
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
  const pid = Number.parseInt(text, 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

/** Whether a process with this pid runs on this host (ours always does). */
export function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

function unlinkIfPresent(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
}

export function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === "ENOENT";
}

/**
 * Run file-system work, turning OS failures (EACCES, EIO, ENOSPC, …) into storage_unavailable.
 * Messages name the error code only: paths are hashes, and no file content is ever included.
 */
export async function fileCall<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toStorageError(what, error);
  }
}

export function fileCallSync<T>(what: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw toStorageError(what, error);
  }
}

function toStorageError(what: string, error: unknown): unknown {
  if (isDomainError(error)) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code ?? "unknown error";
  return new DomainError("storage_unavailable", `The token store is unavailable: cannot ${what} (${code})`, {
    cause: error,
  });
}
