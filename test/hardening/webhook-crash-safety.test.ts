import { afterAll, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generateEncryptionKey, parseEncryptionKey } from "../../src/adapters/vault/encryption-keys.ts";
import { parseCustomerId } from "../../src/domain/customer-id.ts";
import { adminClient, newSchemaName, TEST_DATABASE_URL } from "../adapters/postgres/postgres-fixtures.ts";
import {
  type CrashVaultKind,
  type CrashVaultPlace,
  customerOf,
  openCrashVault,
  postgresWorks,
  writeHeldBy,
  writeThenKill,
  writeToldBy,
} from "./crash-vaults.ts";
import { fuzzSeed, SeededRandom } from "./seeded-random.ts";

const WRITES_PER_ROUND = 400;
const ROUNDS = 3;
const CONCURRENCY = 4;

const kinds: CrashVaultKind[] = ["sqlite", "encrypted_file"];
if (await postgresWorks()) kinds.push("postgres");

/**
 * Writers with webhooks on, killed (-9) mid-way: a restarted server's outbox then holds the
 * webhook of every write that happened and of no write that did not.
 */
describe("crash safety: kill -9 between a connection write and its webhook", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mcp-calendar-webhook-crash-"));
  const schemas: string[] = [];
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    if (schemas.length === 0) return;
    const admin = adminClient();
    for (const schema of schemas) await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.close();
  });

  for (const kind of kinds) {
    test(`${kind}: ${ROUNDS} writers killed mid-way; each write's webhook is there exactly when the write is`, async () => {
      const seed = fuzzSeed();
      const random = new SeededRandom(seed);
      const place: CrashVaultPlace = {
        kind,
        location:
          kind === "sqlite"
            ? path.join(dir, "tokens.db")
            : kind === "encrypted_file"
              ? path.join(dir, "vault")
              : TEST_DATABASE_URL,
        schema: newSchemaName(),
        keyHex: Buffer.from(parseEncryptionKey(generateEncryptionKey())).toString("hex"),
      };
      if (kind === "postgres") schemas.push(place.schema);
      let inFlightTold = 0;
      let stagedAtReopen = 0;
      for (let round = 0; round < ROUNDS; round += 1) {
        const from = round * WRITES_PER_ROUND;
        const { written, killed } = await writeThenKill(place, {
          from,
          count: WRITES_PER_ROUND,
          concurrency: CONCURRENCY,
          killAfter: random.int(50, WRITES_PER_ROUND - 100),
          notify: true,
        });
        expect(killed).toBe(true);
        const stagedDir = path.join(place.location, "webhooks", "staged");
        if (kind === "encrypted_file" && fs.existsSync(stagedDir))
          stagedAtReopen += fs.readdirSync(stagedDir).filter((name) => name.endsWith(".webhook")).length;

        const opened = await openCrashVault(place);
        try {
          // A restarted deliverer, past the grace period: claims settle what the writer left staged.
          const later = new Date(Date.now() + 60_000);
          const claimed = await opened.outbox.claim(
            later,
            10_000,
            "checker",
            new Date(later.getTime() + 60_000),
          );
          for (const webhook of claimed) await opened.outbox.delivered(webhook.id, "checker", later);
          const told = claimed.map((webhook) => writeToldBy(webhook.body));
          // Once each, and only of this round's writes.
          expect(new Set(told).size).toBe(told.length);
          expect(told.every((write) => write >= from && write < from + WRITES_PER_ROUND)).toBe(true);
          // Every write the vault promised was told.
          const toldSet = new Set(told);
          expect(written.filter((write) => !toldSet.has(write))).toEqual([]);
          // Any other write of the round (in flight at the kill, or never started) was told exactly
          // when its record holds it. (A record holding a later write cannot say whether this one
          // landed; a customer's next write comes CUSTOMERS writes later, so that is rare.)
          const reported = new Set(written);
          for (let write = from; write < from + WRITES_PER_ROUND; write += 1) {
            if (reported.has(write)) continue;
            const record = await opened.vault.get(parseCustomerId(customerOf(write)));
            const held = record === null ? -1 : writeHeldBy(record);
            if (typeof held === "string") throw new Error(held);
            if (held > write) continue;
            expect([write, toldSet.has(write)]).toEqual([write, held === write]);
            if (held === write) inFlightTold += 1;
          }
        } finally {
          await opened.close();
        }
      }
      console.log(
        `webhook crash safety (${kind}): ${ROUNDS} writers killed, ${inFlightTold} writes in flight at a kill ` +
          `landed and were told` +
          (kind === "encrypted_file" ? `, ${stagedAtReopen} staged webhooks settled after the kills` : "") +
          ` (seed ${seed})`,
      );
    }, 90_000);
  }
});
