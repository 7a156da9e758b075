import { afterEach, describe, expect, test } from "bun:test";
import { idempotencyRecordId } from "../../src/adapters/vault/idempotency-record-codec.ts";
import { adminClient, newSchemaName, TEST_DATABASE_URL } from "../adapters/postgres/postgres-fixtures.ts";
import { id, newKey, storeEnv, useTempDir, withStorage } from "./cli/cli-fixtures.ts";
import { addWebhook, idempotencyClaim, trackedCalendar } from "./cli/sealed-record-fixtures.ts";

const tempDir = useTempDir();
const schemas: string[] = [];
afterEach(async () => {
  if (schemas.length === 0) return;
  const admin = adminClient();
  for (const schema of schemas.splice(0)) await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.close();
});

const ROUNDS = 15;

describe.each(["sqlite", "encrypted_file", "database"] as const)("resealing beside a server (%s)", (type) => {
  test("a reseal racing the server's writes never puts back an older state", async () => {
    const dir = tempDir();
    const database: Record<string, string> = {};
    if (type === "database") {
      const schema = newSchemaName();
      schemas.push(schema);
      Object.assign(database, { TOKEN_DATABASE_URL: TEST_DATABASE_URL, TOKEN_DATABASE_SCHEMA: schema });
    }
    const oldKey = newKey();
    const newestKey = newKey();
    const oldEnv = storeEnv(dir, oldKey, { TOKEN_STORAGE_TYPE: type, ...database });
    const newEnv = storeEnv(dir, newestKey, {
      TOKEN_STORAGE_TYPE: type,
      TOKEN_ENCRYPTION_PREVIOUS_KEYS: oldKey,
      ...database,
    });
    const customer = id("alice");
    const calendar = trackedCalendar("alice");
    // Three instances of one store: one still on the old key, a server on the new, the rotation.
    await withStorage(oldEnv, type, (old) =>
      withStorage(newEnv, type, (server) =>
        withStorage(newEnv, type, async (rotation) => {
          for (let round = 0; round < ROUNDS; round += 1) {
            await old.tracked.put({ ...calendar, syncToken: `old-${round}` });
            const [, tracked] = await Promise.all([
              server.tracked.put({ ...calendar, syncToken: `new-${round}` }),
              rotation.sealed.tracked_calendars.reseal(customer),
            ]);
            expect(["resealed", "current"]).toContain(tracked);
            expect((await server.tracked.get(customer))?.syncToken).toBe(`new-${round}`);

            const webhookId = `msg_race${round}`;
            await addWebhook(old, webhookId, "alice");
            await Promise.all([
              server.outbox.delivered(webhookId, "server", new Date()),
              rotation.sealed.webhooks.reseal(webhookId),
            ]);
            const [listed] = await server.outbox.list(1);
            expect(listed).toMatchObject({ id: webhookId, status: "delivered" });

            const claim = idempotencyClaim("alice", `key-${round}`);
            const claimed = await old.idempotency.claim(claim, new Date());
            if (!claimed.claimed) throw new Error("a fresh key");
            const [completed] = await Promise.all([
              server.idempotency.complete(claimed.record, `event-${round}`, new Date()),
              rotation.sealed.idempotency_records.reseal(idempotencyRecordId(customer, claim.key)),
            ]);
            expect(completed).toBe(true);
            expect(await server.idempotency.claim(claim, new Date())).toMatchObject({
              claimed: false,
              existing: { state: "completed", eventId: `event-${round}` },
            });
          }
        }),
      ),
    );
  });
});
