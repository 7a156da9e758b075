import { describe, expect, test } from "bun:test";
import { newWebhookSecret } from "../../../src/adapters/webhooks/webhook-signature.ts";
import { newKey, runCli, storeEnv, useTempDir, withStorage } from "./cli-fixtures.ts";

const tempDir = useTempDir();

function webhookEnv(dir: string): Record<string, string> {
  return storeEnv(dir, newKey(), {
    CALENDAR_SERVER_WEBHOOK_URL: "http://127.0.0.1:9/hooks",
    CALENDAR_SERVER_WEBHOOK_SECRET: newWebhookSecret(),
  });
}

describe("cli webhooks", () => {
  test("list shows the outbox without bodies; retry makes a dead webhook due again with its id", async () => {
    const env = webhookEnv(tempDir());
    const created = new Date(Date.now() - 60_000);
    await withStorage(env, "sqlite", async (storage) => {
      for (const [n, type] of [
        [1, "connection.connected"],
        [2, "calendar.events_changed"],
      ] as const) {
        await storage.outbox.add({
          id: `msg_cli${n}`,
          type,
          customerId: `acme-${n}`,
          createdAt: new Date(created.getTime() + n),
          expiresAt: new Date(created.getTime() + 1000),
          body: JSON.stringify({ data: { summary: "Board meeting about layoffs" } }),
        });
      }
      await storage.outbox.claim(new Date(), 10, "test", new Date(Date.now() + 1000));
      await storage.outbox.failed("msg_cli1", "test", {
        error: "HTTP 500",
        nextAttemptAt: new Date(),
        dead: true,
      });
    });

    const listed = await runCli(["webhooks", "list", "--json"], env);
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((row) => [row.id, row.type, row.customer_id, row.status, row.last_error])).toEqual([
      ["msg_cli2", "calendar.events_changed", "acme-2", "pending", null],
      ["msg_cli1", "connection.connected", "acme-1", "dead", "HTTP 500"],
    ]);
    const text = await runCli(["webhooks", "list"], env);
    expect(text.stdout).toContain("msg_cli1");
    expect(`${listed.stdout}${text.stdout}`).not.toContain("layoffs");

    const retried = await runCli(["webhooks", "retry", "msg_cli1"], env);
    expect([retried.code, retried.stdout]).toEqual([0, "msg_cli1 is due now; a running server sends it.\n"]);
    await withStorage(env, "sqlite", async (storage) => {
      const [again] = await storage.outbox.claim(new Date(), 10, "test2", new Date(Date.now() + 1000));
      expect([again?.id, again?.status, again?.body]).toEqual([
        "msg_cli1",
        "pending",
        JSON.stringify({ data: { summary: "Board meeting about layoffs" } }),
      ]);
    });
  });

  test("usage errors: unknown action, missing or malformed id, unknown webhook", async () => {
    const env = webhookEnv(tempDir());
    expect((await runCli(["webhooks", "resend"], env)).code).toBe(2);
    expect((await runCli(["webhooks", "retry"], env)).code).toBe(2);
    expect((await runCli(["webhooks", "retry", "'; DROP TABLE"], env)).code).toBe(2);
    expect((await runCli(["webhooks", "list", "extra"], env)).code).toBe(2);
    const missing = await runCli(["webhooks", "retry", "msg_nothing"], env);
    expect([missing.code, missing.stderr]).toEqual([
      1,
      "error: no pending or dead webhook msg_nothing in the outbox\n",
    ]);
  });
});
