import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EncryptedFilePendingAuthorizations } from "../../../src/adapters/vault/encrypted-file-pending-authorizations.ts";
import { EncryptedFileTokenVault } from "../../../src/adapters/vault/encrypted-file-token-vault.ts";
import { RecordSealer } from "../../../src/adapters/vault/record-sealer.ts";
import { NotificationWebhooks } from "../../../src/adapters/webhooks/notification-webhooks.ts";
import { parseCustomerId } from "../../../src/domain/customer-id.ts";
import { isDomainError } from "../../../src/domain/errors.ts";
import { MAX_PENDING_PER_CUSTOMER } from "../../../src/domain/ports/pending-authorizations.ts";
import { filesUnder } from "./stored-files.ts";
import {
  describeTokenVaultContract,
  type MakeTokenVaultHarness,
  newKeys,
  sampleConnection,
  samplePending,
} from "./token-vault-contract.ts";

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "file-vault-"));
}

const mode = (file: string): number => fs.statSync(file).mode & 0o777;

const fileHarness =
  (webhooks: NotificationWebhooks | null): MakeTokenVaultHarness =>
  async () => {
    const root = tempDir();
    const dir = path.join(root, "vault");
    const paths = new EncryptedFileTokenVault({ dir, sealer: new RecordSealer(newKeys()) });
    return {
      openVault: async (keys) =>
        new EncryptedFileTokenVault({
          dir,
          sealer: new RecordSealer(keys),
          ...(webhooks === null ? {} : { webhooks }),
        }),
      openPendingAuthorizations: async (keys) =>
        new EncryptedFilePendingAuthorizations({ dir, sealer: new RecordSealer(keys) }),
      readRaw: async (customerId) => {
        const file = paths.recordPath(customerId);
        return fs.existsSync(file) ? new Uint8Array(fs.readFileSync(file)) : null;
      },
      writeRaw: async (customerId, raw) => {
        fs.writeFileSync(paths.recordPath(customerId), raw, { mode: 0o600 });
      },
      storedBytes: async () => filesUnder(root),
      cleanup: async () => {
        fs.rmSync(root, { recursive: true, force: true });
      },
    };
  };

describeTokenVaultContract("EncryptedFileTokenVault", fileHarness(null));
describeTokenVaultContract(
  "EncryptedFileTokenVault (webhooks on)",
  fileHarness(new NotificationWebhooks({ maxAgeMs: 60_000 })),
  { pendingAuthorizations: false },
);

describe("EncryptedFileTokenVault on disk", () => {
  let root: string;
  let dir: string;
  const alice = parseCustomerId("customer-zebra-42");
  const sealer = new RecordSealer(newKeys());

  beforeEach(() => {
    root = tempDir();
    dir = path.join(root, "data", "vault");
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  test("creates the directory 0700 and writes records 0600", async () => {
    const vault = new EncryptedFileTokenVault({ dir, sealer });
    const pending = new EncryptedFilePendingAuthorizations({ dir, sealer });
    await vault.put(sampleConnection(alice));
    await pending.save(samplePending(alice, new Date("2030-01-01T00:00:00Z")));
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.join(dir, "pending"))).toBe(0o700);
    const files = filesUnder(dir);
    expect(files).toHaveLength(2);
    for (const file of files)
      expect({ file: file.name, mode: mode(path.join(dir, file.name)) }).toEqual({
        file: file.name,
        mode: 0o600,
      });
  });

  test("tightens a looser directory and record files at start", async () => {
    await new EncryptedFileTokenVault({ dir, sealer }).put(sampleConnection(alice));
    const record = new EncryptedFileTokenVault({ dir, sealer }).recordPath(alice);
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(record, 0o644);
    await new EncryptedFileTokenVault({ dir, sealer }).swept;
    expect(mode(dir)).toBe(0o700);
    expect(mode(record)).toBe(0o600);
  });

  test("file names never contain the customer id", async () => {
    const vault = new EncryptedFileTokenVault({ dir, sealer });
    await vault.put(sampleConnection(alice));
    await new EncryptedFilePendingAuthorizations({ dir, sealer }).save(
      samplePending(alice, new Date("2030-01-01T00:00:00Z")),
    );
    const names = fs.readdirSync(dir, { recursive: true }).map(String);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name.toLowerCase()).not.toContain("zebra");
  });

  test("at start, removes scratch files of dead or long-gone writers and keeps a live writer's", async () => {
    fs.mkdirSync(path.join(dir, "pending"), { recursive: true });
    const dead = Bun.spawnSync(["true"]).pid;
    const deadTemp = path.join(dir, `.abc.tvr.${dead}.0123456789abcdef.tmp`);
    const oldTemp = path.join(dir, `.abd.tvr.${process.pid}.0123456789abcdef.tmp`);
    const liveTemp = path.join(dir, `.abe.tvr.${process.pid}.0123456789abcdef.tmp`);
    const deadClaim = path.join(dir, "pending", `.abf.pending.${dead}.0123456789abcdef.claimed`);
    for (const file of [deadTemp, oldTemp, liveTemp, deadClaim]) fs.writeFileSync(file, "partial");
    const anHourAgo = new Date(Date.now() - 3_600_000);
    fs.utimesSync(oldTemp, anHourAgo, anHourAgo);
    await new EncryptedFileTokenVault({ dir, sealer }).swept;
    new EncryptedFilePendingAuthorizations({ dir, sealer });
    expect([deadTemp, oldTemp, liveTemp, deadClaim].map((file) => fs.existsSync(file))).toEqual([
      false,
      false,
      true,
      false,
    ]);
  });

  test("a record copied onto another customer's file is not listed under a false id", async () => {
    const vault = new EncryptedFileTokenVault({ dir, sealer });
    const bob = parseCustomerId("bob");
    await vault.put(sampleConnection(alice));
    await vault.put(sampleConnection(bob));
    fs.copyFileSync(vault.recordPath(alice), vault.recordPath(bob));
    const ids: string[] = [];
    for await (const customerId of vault.listCustomerIds()) ids.push(customerId);
    expect(ids).toEqual([alice]);
  });

  test("a lock held past the timeout is storage_unavailable; a stale one is broken", async () => {
    const vault = new EncryptedFileTokenVault({ dir, sealer, lockTimeoutMs: 30 });
    const lock = `${vault.recordPath(alice)}.lock`;
    // Held by a live process other than this one (our parent).
    fs.writeFileSync(lock, `${process.ppid}\n`);
    const error = await vault.put(sampleConnection(alice)).catch((caught: unknown) => caught);
    expect(isDomainError(error, "storage_unavailable")).toBe(true);
    const longAgo = new Date(Date.now() - 3_600_000);
    fs.utimesSync(lock, longAgo, longAgo);
    await vault.put(sampleConnection(alice));
    expect((await vault.get(alice))?.customerId).toBe(alice);
    expect(fs.existsSync(lock)).toBe(false);
  });

  test("a lock whose holder died is broken at once, and removed when the vault opens", async () => {
    const vault = new EncryptedFileTokenVault({ dir, sealer, lockTimeoutMs: 30 });
    const lock = `${vault.recordPath(alice)}.lock`;
    const dead = deadPid();
    fs.writeFileSync(lock, `${dead}\n`);
    await vault.put(sampleConnection(alice));
    expect(fs.existsSync(lock)).toBe(false);
    fs.writeFileSync(lock, `${dead}\n`);
    await new EncryptedFileTokenVault({ dir, sealer }).swept;
    expect(fs.existsSync(lock)).toBe(false);
  });

  test("an unusable directory is storage_unavailable", async () => {
    fs.writeFileSync(path.join(root, "not-a-dir"), "");
    let error: unknown = null;
    try {
      new EncryptedFileTokenVault({ dir: path.join(root, "not-a-dir"), sealer });
    } catch (caught) {
      error = caught;
    }
    expect(isDomainError(error, "storage_unavailable")).toBe(true);
  });

  test("a pending authorization no held key opens is purged: nobody could complete it", async () => {
    await new EncryptedFilePendingAuthorizations({ dir, sealer }).save(
      samplePending(alice, new Date("2030-01-01T00:00:00Z")),
    );
    const stranger = new EncryptedFilePendingAuthorizations({ dir, sealer: new RecordSealer(newKeys()) });
    expect(await stranger.purgeExpired(new Date())).toBe(1);
    expect(fs.readdirSync(path.join(dir, "pending"))).toEqual([]);
  });

  test("over the per-customer limit, the entries that expire first go, whatever order they were saved in", async () => {
    const pending = new EncryptedFilePendingAuthorizations({ dir, sealer });
    // Saved in the opposite order of their expiry: the file times say nothing about which goes.
    const entries = Array.from({ length: MAX_PENDING_PER_CUSTOMER + 1 }, (_, index) =>
      samplePending(alice, new Date(Date.UTC(2030, 0, 1, 0, 30 - index))),
    );
    for (const entry of entries) await pending.save(entry);
    // The one just saved always stays; of the others, the one expiring first is dropped.
    const dropped = entries[MAX_PENDING_PER_CUSTOMER - 1];
    for (const entry of entries) {
      expect(await pending.take(entry.state)).toEqual(entry === dropped ? null : entry);
    }
  });

  test("over the per-customer limit, an entry no held key opens goes first", async () => {
    const pending = new EncryptedFilePendingAuthorizations({ dir, sealer });
    const stranger = new EncryptedFilePendingAuthorizations({ dir, sealer: new RecordSealer(newKeys()) });
    const readable = Array.from({ length: MAX_PENDING_PER_CUSTOMER }, (_, index) =>
      samplePending(alice, new Date(Date.UTC(2030, 0, 1, 0, index))),
    );
    const unreadable = samplePending(alice, new Date("2030-01-01T01:00:00Z"));
    for (const entry of readable.slice(0, 5)) await pending.save(entry);
    await stranger.save(unreadable);
    for (const entry of readable.slice(5)) await pending.save(entry);
    for (const entry of readable) expect(await pending.take(entry.state)).toEqual(entry);
    expect(await stranger.take(unreadable.state)).toBeNull();
  });
});

/** The pid of a process that ran and exited: no process has it now (pids are not reused at once). */
function deadPid(): number {
  const child = Bun.spawnSync(["true"]);
  return child.pid;
}
