import { describe, expect, test } from "bun:test";
import * as path from "node:path";
import { collectIds } from "../../../src/app/cli/format.ts";
import {
  connection,
  expectNoSecrets,
  newKey,
  runCli,
  secretsOf,
  storeEnv,
  useTempDir,
  withStorage,
} from "./cli-fixtures.ts";

const tempDir = useTempDir();

function tally(stdout: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of stdout.matchAll(/^ {2}(\S.*?\S)\s{2,}(\d.*)$/gm))
    found[match[1] ?? ""] = match[2] ?? "";
  return found;
}

describe("cli migrate", () => {
  test("sqlite → encrypted_file → a new sqlite: every connection arrives intact, sources untouched", async () => {
    const dir = tempDir();
    const key = newKey();
    const env = storeEnv(dir, key);
    const seeded = [
      connection("alice"),
      connection("bob:42", { email: null, tokens: { ...connection("x").tokens, refreshToken: null } }),
      connection("carol@example.com", {
        state: {
          kind: "reauthorization_required",
          reason: "invalid_grant",
          since: new Date("2026-02-02T00:00:00Z"),
        },
      }),
    ];
    await withStorage(env, "sqlite", async ({ vault }) => {
      for (const c of seeded) await vault.put(c);
    });

    const there = await runCli(["migrate", "--from", "sqlite", "--to", "encrypted_file"], env);
    expect(there.code).toBe(0);
    expect(there.stdout).toStartWith(
      "Migrated connections from sqlite to encrypted_file (the source is unchanged)",
    );
    expect(tally(there.stdout)).toEqual({
      copied: "3",
      "already identical": "0",
      "deleted meanwhile": "0",
      "unreadable in source": "0",
      "failed verification": "0",
    });
    expectNoSecrets(there, secretsOf(seeded, [key]));
    await withStorage(env, "encrypted_file", async ({ vault }) => {
      expect((await collectIds(vault.listCustomerIds())).map(String)).toEqual([
        "alice",
        "bob:42",
        "carol@example.com",
      ]);
      for (const c of seeded) expect(await vault.get(c.customerId)).toEqual(c);
    });
    await withStorage(env, "sqlite", async ({ vault }) => {
      expect(await collectIds(vault.listCustomerIds())).toHaveLength(3);
      for (const c of seeded) expect(await vault.get(c.customerId)).toEqual(c);
    });

    // And back, into an empty SQLite file.
    const back = { ...env, TOKEN_DB_PATH: path.join(dir, "second", "tokens.db") };
    const returned = await runCli(["migrate", "--from", "encrypted_file", "--to", "sqlite"], back);
    expect(returned.code).toBe(0);
    expect(tally(returned.stdout).copied).toBe("3");
    await withStorage(back, "sqlite", async ({ vault }) => {
      for (const c of seeded) expect(await vault.get(c.customerId)).toEqual(c);
    });
    await withStorage(env, "encrypted_file", async ({ vault }) => {
      expect(await collectIds(vault.listCustomerIds())).toHaveLength(3);
    });
  });

  test("running it again leaves identical records alone and replaces ones that differ", async () => {
    const dir = tempDir();
    const env = storeEnv(dir, newKey());
    const alice = connection("alice");
    const bob = connection("bob");
    await withStorage(env, "sqlite", async ({ vault }) => {
      await vault.put(alice);
      await vault.put(bob);
    });
    expect((await runCli(["migrate", "--from", "sqlite", "--to", "encrypted_file"], env)).code).toBe(0);
    const staleBob = connection("bob", { email: "old-bob@example.com" });
    await withStorage(env, "encrypted_file", ({ vault }) => vault.put(staleBob));

    const again = await runCli(["migrate", "--from", "sqlite", "--to", "encrypted_file"], env);
    expect(again.code).toBe(0);
    expect(tally(again.stdout)).toMatchObject({
      copied: "1 (1 replaced a different record)",
      "already identical": "1",
    });
    await withStorage(env, "encrypted_file", async ({ vault }) => {
      expect(await vault.get(bob.customerId)).toEqual(bob);
    });
  });

  test("a source record no key opens is reported and not copied; exit 1", async () => {
    const dir = tempDir();
    const key = newKey();
    const env = storeEnv(dir, key);
    await withStorage(env, "sqlite", ({ vault }) => vault.put(connection("alice")));
    await withStorage(storeEnv(dir, newKey()), "sqlite", ({ vault }) => vault.put(connection("lost")));

    const run = await runCli(["migrate", "--from", "sqlite", "--to", "encrypted_file"], env);
    expect(run.code).toBe(1);
    expect(tally(run.stdout)).toMatchObject({ copied: "1", "unreadable in source": "1" });
    expect(run.stderr).toStartWith("error: 1 connection(s) not migrated (lost)");
    await withStorage(env, "encrypted_file", async ({ vault }) => {
      expect((await collectIds(vault.listCustomerIds())).map(String)).toEqual(["alice"]);
    });
  });
});
