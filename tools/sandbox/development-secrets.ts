import * as fs from "node:fs";
import * as path from "node:path";
import { generateEncryptionKey, parseEncryptionKey } from "../../src/adapters/vault/encryption-keys.ts";
import { ensurePrivateDir } from "../../src/adapters/vault/private-files.ts";

/** The file in the data folder that holds the sandbox's development encryption key. */
export const DEVELOPMENT_KEY_FILE = "dev-encryption.key";

/**
 * The sandbox's encryption key: made once in the data folder and reused, so the sandbox server
 * and the operator CLI (run later, in another process) open the same store.
 * @throws InvalidEncryptionKeyError when the file holds something that is not a 32-byte key
 */
export function developmentEncryptionKey(dataDir: string): Uint8Array {
  return parseEncryptionKey(readOrCreateSecret(dataDir, DEVELOPMENT_KEY_FILE, generateEncryptionKey));
}

/** A secret kept in a 0600 file in a 0700 folder: read it if present, otherwise make and store it. */
export function readOrCreateSecret(dir: string, name: string, make: () => string): string {
  ensurePrivateDir(dir);
  const file = path.join(dir, name);
  const existing = readSecret(file);
  if (existing !== null && existing !== "") return existing;
  const secret = make();
  try {
    // "wx": when the server and the CLI start together, the first writer wins and the other reads its secret.
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: existing === null ? "wx" : "w" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const winner = readSecret(file);
    if (winner !== null && winner !== "") return winner;
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "w" });
  }
  fs.chmodSync(file, 0o600);
  return secret;
}

/** The file's trimmed text, or null when there is no file. */
function readSecret(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}
