import { describe, expect, test } from "bun:test";
import { keyIdHex, keyIdOf, parseEncryptionKey } from "../../../src/adapters/vault/encryption-keys.ts";
import { isDomainError } from "../../../src/domain/errors.ts";
import {
  connection,
  expectNoSecrets,
  id,
  newKey,
  runCli,
  secretsOf,
  storeEnv,
  useTempDir,
  withStorage,
} from "./cli-fixtures.ts";

const tempDir = useTempDir();

function counts(stdout: string): Record<string, number> {
  const found: Record<string, number> = {};
  for (const match of stdout.matchAll(/^\s+(resealed|already current|missing|unreadable)\s+(\d+)$/gm)) {
    found[match[1] ?? ""] = Number(match[2]);
  }
  return found;
}

describe.each(["sqlite", "encrypted_file"] as const)("cli rotate-key (%s)", (type) => {
  test("moves every record from the old key to the new one; then the new key alone opens them", async () => {
    const dir = tempDir();
    const oldKey = newKey();
    const newestKey = newKey();
    const seeded = [connection("alice"), connection("bob"), connection("carol")];
    const before = storeEnv(dir, oldKey, { TOKEN_STORAGE_TYPE: type });
    await withStorage(before, type, async ({ vault }) => {
      for (const c of seeded) await vault.put(c);
    });
    const rotating = storeEnv(dir, newestKey, {
      TOKEN_STORAGE_TYPE: type,
      TOKEN_ENCRYPTION_PREVIOUS_KEYS: oldKey,
    });
    // One record already under the new key (the server rewrote it after a refresh, say).
    const fresh = connection("dave");
    await withStorage(rotating, type, ({ vault }) => vault.put(fresh));

    const run = await runCli(["rotate-key"], rotating);
    expect(run.code).toBe(0);
    expect(counts(run.stdout)).toEqual({ resealed: 3, "already current": 1, missing: 0, unreadable: 0 });
    expect(run.stdout).toContain("4 record(s) checked");
    expect(run.stdout).toContain(keyIdHex(keyIdOf(parseEncryptionKey(newestKey))));
    // stderr is not a terminal here: no progress bar, no carriage returns.
    expect(run.stderr).toBe("");
    expectNoSecrets(run, secretsOf([...seeded, fresh], [oldKey, newestKey]));

    const onlyNew = storeEnv(dir, newestKey, { TOKEN_STORAGE_TYPE: type });
    await withStorage(onlyNew, type, async ({ vault }) => {
      for (const c of [...seeded, fresh]) expect(await vault.get(c.customerId)).toEqual(c);
    });
    const onlyOld = storeEnv(dir, oldKey, { TOKEN_STORAGE_TYPE: type });
    await withStorage(onlyOld, type, async ({ vault }) => {
      const error = await vault.get(id("alice")).catch((caught: unknown) => caught);
      expect(isDomainError(error, "record_unreadable")).toBe(true);
    });

    const again = await runCli(["rotate-key"], rotating);
    expect(again.code).toBe(0);
    expect(counts(again.stdout)).toEqual({ resealed: 0, "already current": 4, missing: 0, unreadable: 0 });
  });

  test("records no configured key opens are counted and named; exit 1; the rest still move", async () => {
    const dir = tempDir();
    const oldKey = newKey();
    const lostKey = newKey();
    const newestKey = newKey();
    await withStorage(storeEnv(dir, oldKey), type, ({ vault }) => vault.put(connection("alice")));
    await withStorage(storeEnv(dir, lostKey), type, ({ vault }) => vault.put(connection("orphan")));

    const env = storeEnv(dir, newestKey, {
      TOKEN_STORAGE_TYPE: type,
      TOKEN_ENCRYPTION_PREVIOUS_KEYS: oldKey,
    });
    const run = await runCli(["rotate-key"], env);
    expect(run.code).toBe(1);
    expect(counts(run.stdout)).toEqual({ resealed: 1, "already current": 0, missing: 0, unreadable: 1 });
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("error: 1 record(s) could not be opened");
    expect(run.stderr).toContain("(orphan)");
  });
});
