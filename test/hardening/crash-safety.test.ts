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
  CUSTOMERS,
  customerOf,
  openCrashVault,
  postgresWorks,
  writeHeldBy,
  writeThenKill,
} from "./crash-vaults.ts";
import { fuzzSeed, SeededRandom } from "./seeded-random.ts";

const WRITES_PER_ROUND = 1000;
const ROUNDS = 3;
const CONCURRENCY = 4;
/** Scratch files and locks a writer leaves when it dies mid-write (see private-files.ts). */
const LEFTOVER = /^\..+\.(tmp|claimed)$|\.lock$/;

const kinds: CrashVaultKind[] = ["sqlite", "encrypted_file"];
if (await postgresWorks()) kinds.push("postgres");

describe("crash safety: kill -9 in the middle of vault writes", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mcp-calendar-crash-"));
  const schemas: string[] = [];
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    if (schemas.length === 0) return;
    const admin = adminClient();
    for (const schema of schemas) await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.close();
  });

  for (const kind of kinds) {
    test(`${kind}: ${ROUNDS} writers killed mid-way through ${WRITES_PER_ROUND} writes; every reported write opens whole`, async () => {
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
      // The last write each customer was promised, across every round.
      const promised = new Map<string, number>();
      let reported = 0;
      let killedMidway = 0;
      let leftovers = 0;
      for (let round = 0; round < ROUNDS; round += 1) {
        const killAfter = random.int(50, WRITES_PER_ROUND - 100);
        const { written, killed } = await writeThenKill(place, {
          from: round * WRITES_PER_ROUND,
          count: WRITES_PER_ROUND,
          concurrency: CONCURRENCY,
          killAfter,
        });
        expect(written.length).toBeGreaterThanOrEqual(killAfter);
        reported += written.length;
        if (killed && written.length < WRITES_PER_ROUND) killedMidway += 1;
        for (const write of written)
          promised.set(customerOf(write), Math.max(write, promised.get(customerOf(write)) ?? -1));
        if (kind === "encrypted_file" && fs.existsSync(place.location)) {
          leftovers += fs.readdirSync(place.location).filter((name) => LEFTOVER.test(name)).length;
        }

        // Reopened as a restarted server would: every promised write is there, whole, or a later one.
        const opened = await openCrashVault(place);
        try {
          const upperBound = (round + 1) * WRITES_PER_ROUND;
          for (let index = 0; index < CUSTOMERS; index += 1) {
            const customer = `crash-${index}`;
            const record = await opened.vault.get(parseCustomerId(customer));
            const last = promised.get(customer);
            if (record === null) {
              expect(last).toBeUndefined();
              continue;
            }
            const held = writeHeldBy(record);
            if (typeof held === "string") throw new Error(held);
            expect(held % CUSTOMERS).toBe(index);
            expect(held).toBeGreaterThanOrEqual(last ?? 0);
            expect(held).toBeLessThan(upperBound);
          }
          if (opened.db !== null) {
            expect(opened.db.query<{ integrity_check: string }, []>("PRAGMA integrity_check").get()).toEqual({
              integrity_check: "ok",
            });
          }
        } finally {
          await opened.close();
        }
        if (kind === "encrypted_file") {
          expect(fs.readdirSync(place.location).filter((name) => LEFTOVER.test(name))).toEqual([]);
        }
      }
      console.log(
        `crash safety (${kind}): ${ROUNDS} writers killed (${killedMidway} mid-way), ${reported} writes reported, ` +
          `${promised.size} records verified whole and at or past their last reported write` +
          (kind === "encrypted_file" ? `, ${leftovers} leftover scratch/lock files cleaned at reopen` : "") +
          ` (seed ${seed})`,
      );
      expect(killedMidway).toBe(ROUNDS);
    }, 60_000);
  }
});
