import { afterEach, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RecordSealer } from "../../../src/adapters/vault/record-sealer.ts";
import { FileWebhookOutbox } from "../../../src/adapters/webhooks/file-webhook-outbox.ts";
import { newKeys } from "../vault/vault-fixtures.ts";

let dir = "";
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const names = (sub: string): string[] =>
  fs.readdirSync(path.join(dir, "webhooks", sub)).filter((name) => name.endsWith(".webhook"));

describe("FileWebhookOutbox layout", () => {
  test("finished webhooks leave the pending folder, so claims read only what may be sent", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "file-outbox-"));
    const sealer = new RecordSealer(newKeys());
    const outbox = new FileWebhookOutbox({ dir, sealer });
    const now = new Date();
    for (const n of [1, 2]) {
      await outbox.add({
        id: `msg_f${n}`,
        type: "connection.connected",
        customerId: "c",
        createdAt: now,
        expiresAt: new Date(now.getTime() + 60_000),
        body: "{}",
      });
    }
    await outbox.claim(now, 10, "me", new Date(now.getTime() + 30_000));
    await outbox.delivered("msg_f1", "me", now);
    await outbox.failed("msg_f2", "me", { error: "HTTP 500", nextAttemptAt: now, dead: true });
    expect([names(""), names("delivered"), names("dead")]).toEqual([
      [],
      ["msg_f1.webhook"],
      ["msg_f2.webhook"],
    ]);
    expect(await outbox.stats()).toEqual({ pending: 0, dead: 1, oldestPendingAt: null });
    expect(await outbox.retry("msg_f2", now, new Date(now.getTime() + 60_000))).toBe(true);
    expect([names(""), names("dead")]).toEqual([["msg_f2.webhook"], []]);

    // A crash after the finished copy was written but before the pending one went: opening cleans it.
    fs.copyFileSync(
      path.join(dir, "webhooks", "delivered", "msg_f1.webhook"),
      path.join(dir, "webhooks", "msg_f1.webhook"),
    );
    new FileWebhookOutbox({ dir, sealer });
    expect(names("")).toEqual(["msg_f2.webhook"]);
  });
});
