import * as fs from "node:fs";
import * as path from "node:path";
import type { PendingAuthorization } from "../../domain/connection.ts";
import { isDomainError } from "../../domain/errors.ts";
import {
  MAX_PENDING_PER_CUSTOMER,
  type PendingAuthorizations,
} from "../../domain/ports/pending-authorizations.ts";
import {
  customerKey,
  openPendingAuthorization,
  sealPendingAuthorization,
  stateHash,
} from "./pending-authorization-codec.ts";
import {
  cleanDirectory,
  ensurePrivateDir,
  fileCall,
  fileCallSync,
  fsyncDir,
  isMissing,
  scratchName,
  writeFileDurably,
} from "./private-files.ts";
import type { RecordSealer } from "./record-sealer.ts";

export interface EncryptedFilePendingAuthorizationsOptions {
  /** The vault directory (TOKEN_VAULT_DIR); entries live in its `pending/` subdirectory. */
  dir: string;
  sealer: RecordSealer;
}

const SUFFIX = ".pending";

/**
 * One sealed file per started authorization, named by the state's hash and its customer's key
 * (`<state hash>.<customer key>.pending`; older entries lack the customer part). `take` first renames the
 * file to a name only this caller knows: rename is atomic, so among any number of processes
 * exactly one claims it; the claimed file is then read and removed.
 */
export class EncryptedFilePendingAuthorizations implements PendingAuthorizations {
  readonly #dir: string;
  readonly #sealer: RecordSealer;

  /** @throws DomainError storage_unavailable when the directory cannot be created or read */
  constructor(options: EncryptedFilePendingAuthorizationsOptions) {
    this.#dir = path.join(path.resolve(options.dir), "pending");
    this.#sealer = options.sealer;
    fileCallSync("prepare the pending directory", () => {
      ensurePrivateDir(path.dirname(this.#dir));
      ensurePrivateDir(this.#dir);
      cleanDirectory(this.#dir, SUFFIX);
    });
  }

  async save(pending: PendingAuthorization): Promise<void> {
    const sealed = sealPendingAuthorization(this.#sealer, pending);
    const customer = customerKey(pending.customerId);
    await fileCall("store an authorization", () =>
      writeFileDurably(this.#dir, `${stateHash(pending.state)}.${customer}${SUFFIX}`, sealed),
    );
    await this.#trim(customer, `${stateHash(pending.state)}.${customer}${SUFFIX}`);
  }

  /**
   * Drop the customer's entries beyond the newest MAX_PENDING_PER_CUSTOMER, newest by expiry as
   * the SQL stores order them (every authorization lives as long, so the latest started expires
   * last); the one just saved (`kept`) always stays. Not by the files' mtimes: the kernel stamps
   * them from a coarse clock, so entries saved a few milliseconds apart can tie. Entries are
   * opened only here, when the customer is at the limit; one no held key opens goes first.
   */
  async #trim(customer: string, kept: string): Promise<void> {
    const ending = `.${customer}${SUFFIX}`;
    const names = (await fileCall("list authorizations", () => fs.promises.readdir(this.#dir))).filter(
      (name) => name.endsWith(ending) && !name.startsWith(".") && name !== kept,
    );
    if (names.length < MAX_PENDING_PER_CUSTOMER) return;
    const dated: { name: string; expires: number }[] = [];
    for (const name of names) {
      const raw = await fileCall("read an authorization", () => readIfPresent(path.join(this.#dir, name)));
      if (raw !== null) dated.push({ name, expires: this.#expiryOf(name, raw) });
    }
    dated.sort((a, b) => b.expires - a.expires);
    for (const { name } of dated.slice(MAX_PENDING_PER_CUSTOMER - 1)) await this.#claim(name);
  }

  /** When a stored entry expires, in epoch ms; -Infinity for one no held key opens. */
  #expiryOf(name: string, raw: Uint8Array): number {
    try {
      return openPendingAuthorization(this.#sealer, hashOf(name) ?? "", raw).expiresAt.getTime();
    } catch (error) {
      if (!isDomainError(error, "record_unreadable")) throw error;
      return Number.NEGATIVE_INFINITY;
    }
  }

  /** @throws DomainError record_unreadable when the entry exists but cannot be opened (it is gone then) */
  async take(state: string): Promise<PendingAuthorization | null> {
    const hash = stateHash(state);
    const names = await fileCall("list authorizations", () => fs.promises.readdir(this.#dir));
    for (const name of names) {
      if (hashOf(name) !== hash) continue;
      const raw = await this.#claim(name);
      if (raw !== null) return openPendingAuthorization(this.#sealer, hash, raw);
    }
    return null;
  }

  /**
   * Opens each entry to read its expiry (it is sealed with the rest). Entries no held key opens
   * are dropped too: nobody can ever complete them.
   */
  async purgeExpired(now: Date): Promise<number> {
    const names = await fileCall("list authorizations", () => fs.promises.readdir(this.#dir));
    let dropped = 0;
    for (const name of names) {
      const hash = hashOf(name);
      if (hash === null) continue;
      const raw = await fileCall("read an authorization", () => readIfPresent(path.join(this.#dir, name)));
      if (raw === null) continue;
      let expired: boolean;
      try {
        expired = openPendingAuthorization(this.#sealer, hash, raw).expiresAt.getTime() <= now.getTime();
      } catch (error) {
        if (!isDomainError(error, "record_unreadable")) throw error;
        expired = true;
      }
      // Claim before removing, so an entry a concurrent take just got is not counted twice.
      if (expired && (await this.#claim(name)) !== null) dropped += 1;
    }
    return dropped;
  }

  async #claim(name: string): Promise<Uint8Array | null> {
    return fileCall("take an authorization", async () => {
      const claimed = path.join(this.#dir, scratchName(name, "claimed"));
      try {
        await fs.promises.rename(path.join(this.#dir, name), claimed);
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
      try {
        return new Uint8Array(await fs.promises.readFile(claimed));
      } finally {
        await fs.promises.unlink(claimed);
        await fsyncDir(this.#dir);
      }
    });
  }
}

/** The state hash a stored entry's name starts with; null for any other file. */
function hashOf(name: string): string | null {
  if (!name.endsWith(SUFFIX) || name.startsWith(".")) return null;
  return name.slice(0, -SUFFIX.length).split(".")[0] ?? null;
}

async function readIfPresent(file: string): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await fs.promises.readFile(file));
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}
