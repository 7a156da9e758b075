import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { parseEncryptionKey } from "../../adapters/vault/encryption-keys.ts";
import { ensurePrivateDir } from "../../adapters/vault/private-files.ts";
import type { Config } from "../config.ts";

/**
 * What a running sandbox leaves in its data folder so that the operator CLI, started later in
 * another process, acts on the same store and the same (emulated) Google: where the emulator
 * listens, the sandbox's OAuth client, and the file holding the development encryption key.
 */
export interface SandboxRecord {
  serverUrl: string;
  emulatorUrl: string;
  clientId: string;
  clientSecret: string;
  /** File name inside the data folder. */
  encryptionKeyFile: string;
}

export const SANDBOX_RECORD_FILE = "sandbox.json";

const recordSchema = z.object({
  server_url: z.string().url(),
  emulator_url: z.string().url(),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  encryption_key_file: z.string().regex(/^[\w.-]+$/),
});

export function writeSandboxRecord(dataDir: string, record: SandboxRecord): void {
  const body = {
    server_url: record.serverUrl,
    emulator_url: record.emulatorUrl,
    client_id: record.clientId,
    client_secret: record.clientSecret,
    encryption_key_file: record.encryptionKeyFile,
  };
  ensurePrivateDir(dataDir);
  const file = path.join(dataDir, SANDBOX_RECORD_FILE);
  const scratch = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(scratch, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(scratch, file);
}

/** The record a sandbox left in `dataDir`, or null when no sandbox has run there (or it is unreadable). */
export function readSandboxRecord(dataDir: string): SandboxRecord | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, SANDBOX_RECORD_FILE), "utf8");
  } catch {
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = recordSchema.safeParse(json);
  if (!parsed.success) return null;
  const r = parsed.data;
  return {
    serverUrl: r.server_url,
    emulatorUrl: r.emulator_url,
    clientId: r.client_id,
    clientSecret: r.client_secret,
    encryptionKeyFile: r.encryption_key_file,
  };
}

/**
 * The configuration a sandbox server ran with, as far as the CLI needs it: Google at the
 * sandbox's emulator, with the sandbox's client, and the development key unless
 * TOKEN_ENCRYPTION_KEY is set.
 */
export function applySandboxRecord(config: Config, record: SandboxRecord): Config {
  const emulator = record.emulatorUrl.replace(/\/+$/, "");
  const keyText = fs.readFileSync(path.join(config.dataDir, record.encryptionKeyFile), "utf8").trim();
  return {
    ...config,
    google: {
      ...config.google,
      clientId: record.clientId,
      clientSecret: record.clientSecret,
      authUrl: `${emulator}/o/oauth2/v2/auth`,
      tokenUrl: `${emulator}/token`,
      revokeUrl: `${emulator}/revoke`,
      calendarApiUrl: `${emulator}/`,
    },
    encryption: { ...config.encryption, key: config.encryption.key ?? parseEncryptionKey(keyText) },
  };
}
