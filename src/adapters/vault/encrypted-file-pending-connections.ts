import * as fs from "node:fs";
import * as path from "node:path";
import type { PendingConnection, PendingConnections } from "../../domain/ports/pending-connections.ts";
import {
  connectCodeHash,
  openEach,
  openPendingConnection,
  sealPendingConnection,
} from "./pending-connection-codec.ts";
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

const SUFFIX = ".held";

/**
 * One sealed file per held connection in the vault's `held/` subdirectory, named by the code's
 * hash. Taking renames the file to a name only the caller knows first (atomic, so exactly one
 * process claims it), then reads and removes it.
 */
export class EncryptedFilePendingConnections implements PendingConnections {
  readonly #dir: string;
  readonly #sealer: RecordSealer;

  /** @throws DomainError storage_unavailable when the directory cannot be created or read */
  constructor(options: { dir: string; sealer: RecordSealer }) {
    this.#dir = path.join(path.resolve(options.dir), "held");
    this.#sealer = options.sealer;
    fileCallSync("prepare the held-connections directory", () => {
      ensurePrivateDir(path.dirname(this.#dir));
      ensurePrivateDir(this.#dir);
      cleanDirectory(this.#dir, SUFFIX);
    });
  }

  async save(pending: PendingConnection): Promise<void> {
    const sealed = sealPendingConnection(this.#sealer, pending);
    await fileCall("hold a connection", () =>
      writeFileDurably(this.#dir, `${connectCodeHash(pending.connectCode)}${SUFFIX}`, sealed),
    );
  }

  /** @throws DomainError record_unreadable when the entry exists but cannot be opened (it is gone then) */
  async take(connectCode: string): Promise<PendingConnection | null> {
    const hash = connectCodeHash(connectCode);
    const raw = await this.#claim(`${hash}${SUFFIX}`);
    return raw === null ? null : openPendingConnection(this.#sealer, hash, raw);
  }

  /** Opens each entry to read its expiry (it is sealed with the rest). */
  async takeExpired(now: Date): Promise<PendingConnection[]> {
    const names = await fileCall("list held connections", () => fs.promises.readdir(this.#dir));
    const taken: { code_hash: string; record: Uint8Array }[] = [];
    for (const name of names) {
      if (!name.endsWith(SUFFIX) || name.startsWith(".")) continue;
      const hash = name.slice(0, -SUFFIX.length);
      const raw = await fileCall("read a held connection", () => readIfPresent(path.join(this.#dir, name)));
      if (raw === null) continue;
      const [opened] = openEach(this.#sealer, [{ code_hash: hash, record: raw }]);
      if (opened !== undefined && opened.expiresAt.getTime() > now.getTime()) continue;
      const claimed = await this.#claim(name);
      if (claimed !== null) taken.push({ code_hash: hash, record: claimed });
    }
    return openEach(this.#sealer, taken);
  }

  async #claim(name: string): Promise<Uint8Array | null> {
    return fileCall("take a held connection", async () => {
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

async function readIfPresent(file: string): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await fs.promises.readFile(file));
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}
