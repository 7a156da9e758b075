import { afterEach, beforeEach, describe, expect, spyOn, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { sealConnection } from "../../../src/adapters/vault/connection-codec.ts";
import { connectionLockName } from "../../../src/adapters/vault/connection-file-name.ts";
import { EncryptedFileTokenVault } from "../../../src/adapters/vault/encrypted-file-token-vault.ts";
import { RecordSealer } from "../../../src/adapters/vault/record-sealer.ts";
import { sha256Hex } from "../../../src/adapters/webhooks/file-staged-webhooks.ts";
import { FileWebhookOutbox } from "../../../src/adapters/webhooks/file-webhook-outbox.ts";
import { NotificationWebhooks } from "../../../src/adapters/webhooks/notification-webhooks.ts";
import type { Connection } from "../../../src/domain/connection.ts";
import type { CustomerId } from "../../../src/domain/customer-id.ts";
import type { Notification } from "../../../src/domain/notification.ts";
import { id, newKeys, sampleConnection } from "../vault/vault-fixtures.ts";

/**
 * The encrypted-file store has no transactions: a connection write and its webhook are staged,
 * written, released (file-staged-webhooks.ts). These tests leave what a writer killed between those
 * steps leaves on disk, then let a restarted server's deliverer (or the next write) decide.
 */

let dir = "";
let keys = newKeys();
let sealer = new RecordSealer(keys);
const webhooks = new NotificationWebhooks({ maxAgeMs: 3_600_000 });
const alice = id("alice");
const bob = id("bob");
const restores: Array<() => void> = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "staged-webhooks-"));
  keys = newKeys();
  sealer = new RecordSealer(keys);
});
afterEach(() => {
  for (const restore of restores.splice(0)) restore();
  fs.rmSync(dir, { recursive: true, force: true });
});

const vault = (): EncryptedFileTokenVault => new EncryptedFileTokenVault({ dir, sealer, webhooks });
const outbox = (): FileWebhookOutbox => new FileWebhookOutbox({ dir, sealer });
const stagedFiles = (): string[] =>
  fs.readdirSync(path.join(dir, "webhooks", "staged")).filter((name) => name.endsWith(".webhook"));

const connected = (connection: Connection): Notification => ({
  type: "connection.connected",
  customerId: connection.customerId,
  occurredAt: connection.connectedAt,
  email: connection.email,
  scopes: connection.tokens.scopes,
});

/** Killed after staging the webhook of a put, with the record file written or not yet. */
async function killedDuringPut(connection: Connection, recordWritten: boolean): Promise<void> {
  const sealed = sealConnection(sealer, connection);
  await outbox().stage(webhooks.webhookOf(connected(connection)), {
    customerId: connection.customerId,
    leaves: sha256Hex(sealed),
  });
  if (recordWritten) fs.writeFileSync(vault().recordPath(connection.customerId), sealed, { mode: 0o600 });
}

/** Killed after staging the webhook of a delete, with the record file removed or not yet. */
async function killedDuringDelete(customerId: CustomerId, recordRemoved: boolean): Promise<void> {
  const notification: Notification = { type: "connection.disconnected", customerId, occurredAt: new Date() };
  await outbox().stage(webhooks.webhookOf(notification), { customerId, leaves: null });
  if (recordRemoved) fs.rmSync(vault().recordPath(customerId));
}

/** A restarted server's deliverer claiming at `at` (by default past the grace period). */
async function scan(at = new Date(Date.now() + 60_000)): Promise<string[]> {
  const claimed = await outbox().claim(at, 100, "restarted", new Date(at.getTime() + 30_000));
  return claimed
    .map((webhook) => {
      const body = JSON.parse(webhook.body) as { data: { email?: string } };
      return `${webhook.type} ${webhook.customerId}${body.data.email === undefined ? "" : ` ${body.data.email}`}`;
    })
    .sort();
}

describe("a connection write and its webhook on encrypted files, killed between steps", () => {
  test("killed after the record was written: the restarted deliverer releases the webhook, once past the grace period", async () => {
    const connection = sampleConnection(alice, { email: "new@example.com" });
    await killedDuringPut(connection, true);
    // A writer may still be between steps: a fresh staged webhook is left alone.
    expect(await scan(new Date())).toEqual([]);
    expect(stagedFiles()).toHaveLength(1);
    expect(await scan()).toEqual(["connection.connected alice new@example.com"]);
    expect(stagedFiles()).toEqual([]);
    expect(await vault().get(alice)).toEqual(connection);
  });

  test("killed before the record was written: the webhook is dropped and the record is the old one", async () => {
    const old = sampleConnection(alice, { email: "old@example.com" });
    await vault().put(old);
    await killedDuringPut(sampleConnection(alice, { email: "new@example.com" }), false);
    expect(await scan()).toEqual([]);
    expect(stagedFiles()).toEqual([]);
    expect(await vault().get(alice)).toEqual(old);
    expect(await outbox().list(10)).toEqual([]);
  });

  test("killed mid-delete: a record gone releases connection.disconnected, a record still there drops it", async () => {
    await vault().put(sampleConnection(alice));
    await vault().put(sampleConnection(bob));
    await killedDuringDelete(alice, true);
    await killedDuringDelete(bob, false);
    expect(await scan()).toEqual(["connection.disconnected alice"]);
    expect(stagedFiles()).toEqual([]);
    expect(await vault().get(bob)).not.toBeNull();
  });

  test("the next write of the record settles a crashed one first, while the file still shows what it did", async () => {
    await killedDuringPut(sampleConnection(alice, { email: "crashed@example.com" }), true);
    await killedDuringPut(sampleConnection(bob, { email: "never-written@example.com" }), false);
    // Within the grace period, so only the writes themselves can have settled them.
    const next = sampleConnection(alice, { email: "next@example.com" });
    await vault().put(next, { notify: connected(next) });
    const other = sampleConnection(bob, { email: "other@example.com" });
    await vault().put(other, { notify: connected(other) });
    expect(stagedFiles()).toEqual([]);
    expect(await scan()).toEqual([
      "connection.connected alice crashed@example.com",
      "connection.connected alice next@example.com",
      "connection.connected bob other@example.com",
    ]);
  });

  test("a key rotation's reseal settles the record's crashed write before rewriting it", async () => {
    await killedDuringPut(sampleConnection(alice, { email: "crashed@example.com" }), true);
    const rotated = new EncryptedFileTokenVault({
      dir,
      sealer: new RecordSealer(newKeys([keys.current])),
      webhooks,
    });
    expect(await rotated.reseal(alice)).toBe("resealed");
    expect(await scan()).toEqual(["connection.connected alice crashed@example.com"]);
  });

  test("killed after the release wrote the pending copy: the webhook is not sent again", async () => {
    const connection = sampleConnection(alice);
    const sealed = sealConnection(sealer, connection);
    const webhook = webhooks.webhookOf(connected(connection));
    await outbox().stage(webhook, { customerId: alice, leaves: sha256Hex(sealed) });
    fs.writeFileSync(vault().recordPath(alice), sealed, { mode: 0o600 });
    await outbox().add(webhook);
    const now = new Date();
    const [claimed] = await outbox().claim(now, 10, "first", new Date(now.getTime() + 30_000));
    await outbox().delivered(claimed?.id ?? "", "first", now);
    expect(await scan()).toEqual([]);
    expect(stagedFiles()).toEqual([]);
    expect((await outbox().list(10)).map((summary) => [summary.id, summary.status])).toEqual([
      [webhook.id, "delivered"],
    ]);
  });

  test("a release that fails after the write leaves the webhook staged, and the scan releases it", async () => {
    const pendingDir = path.join(dir, "webhooks");
    const open = fs.promises.open;
    const spy = spyOn(fs.promises, "open").mockImplementation((async (file, ...rest) => {
      // The scratch file of the pending copy.
      if (path.dirname(String(file)) === pendingDir && String(file).endsWith(".tmp"))
        throw Object.assign(new Error("EIO"), { code: "EIO" });
      return open(file, ...rest);
    }) as typeof open);
    restores.push(() => spy.mockRestore());
    const connection = sampleConnection(alice);
    // The write happened, so the put succeeds; its webhook waits in staged/.
    await vault().put(connection, { notify: connected(connection) });
    expect(stagedFiles()).toHaveLength(1);
    spy.mockRestore();
    expect(await scan()).toEqual(["connection.connected alice alice@example.com"]);
    expect(await vault().get(alice)).toEqual(connection);
  });

  test("a record whose lock a live writer holds is left for a later scan", async () => {
    await killedDuringPut(sampleConnection(alice, { email: "crashed@example.com" }), true);
    const lock = path.join(dir, connectionLockName(alice));
    fs.writeFileSync(lock, `${process.pid}\n`);
    expect(await scan()).toEqual([]);
    expect(stagedFiles()).toHaveLength(1);
    fs.rmSync(lock);
    expect(await scan()).toEqual(["connection.connected alice crashed@example.com"]);
  });
});
