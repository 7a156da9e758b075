import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { sweepDirectory } from "../../../src/adapters/vault/directory-sweep.ts";
import { EncryptedFileTokenVault } from "../../../src/adapters/vault/encrypted-file-token-vault.ts";
import { RecordSealer } from "../../../src/adapters/vault/record-sealer.ts";
import { id, newKeys, sampleConnection } from "./vault-fixtures.ts";

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe("the file vault's start-up sweep", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "directory-sweep-"));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("goes on after the vault is opened, and covers every entry of a large directory", async () => {
    const loose = Array.from({ length: 1200 }, (_, index) => path.join(dir, `${index}.tvr`));
    for (const file of loose) fs.writeFileSync(file, "sealed", { mode: 0o644 });
    const dead = Bun.spawnSync(["true"]).pid;
    const stray = path.join(dir, `.0.tvr.${dead}.0123456789abcdef.tmp`);
    fs.writeFileSync(stray, "partial");

    const vault = new EncryptedFileTokenVault({ dir, sealer: new RecordSealer(newKeys()) });
    // The constructor returned before sweeping anything: the sweep runs in the background.
    expect(loose.filter((file) => mode(file) !== 0o600)).toHaveLength(loose.length);
    await vault.swept;
    expect(loose.filter((file) => mode(file) !== 0o600)).toEqual([]);
    expect(fs.existsSync(stray)).toBe(false);
  });

  test("the vault serves while it sweeps", async () => {
    for (let index = 0; index < 1200; index += 1) fs.writeFileSync(path.join(dir, `${index}.tvr`), "x");
    const vault = new EncryptedFileTokenVault({ dir, sealer: new RecordSealer(newKeys()) });
    const connection = sampleConnection(id("alice"));
    await vault.put(connection);
    expect(await vault.get(connection.customerId)).toEqual(connection);
    await vault.swept;
    expect(await vault.get(connection.customerId)).toEqual(connection);
  });

  for (const [where, workerFromBytes] of [
    ["here", Number.POSITIVE_INFINITY],
    ["worker", 0],
  ] as const) {
    test(`swept ${where === "here" ? "in this thread" : "in a worker"}: loose records tightened, gone writers' files removed, live ones kept`, async () => {
      const records = Array.from({ length: 50 }, (_, index) => path.join(dir, `${index}.tvr`));
      for (const file of records) fs.writeFileSync(file, "sealed", { mode: 0o640 });
      const dead = Bun.spawnSync(["true"]).pid;
      const deadScratch = path.join(dir, `.1.tvr.${dead}.0123456789abcdef.tmp`);
      const liveScratch = path.join(dir, `.2.tvr.${process.pid}.0123456789abcdef.tmp`);
      const deadLock = path.join(dir, "3.tvr.lock");
      fs.writeFileSync(deadScratch, "partial");
      fs.writeFileSync(liveScratch, "partial");
      fs.writeFileSync(deadLock, `${dead}\n`);
      expect(await sweepDirectory(dir, ".tvr", workerFromBytes)).toBe(where);
      expect(records.filter((file) => mode(file) !== 0o600)).toEqual([]);
      expect([deadScratch, liveScratch, deadLock].map((file) => fs.existsSync(file))).toEqual([
        false,
        true,
        false,
      ]);
    });
  }

  test("a directory that is gone settles the sweep without an error", async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    expect(await sweepDirectory(dir, ".tvr")).toBe("gone");
  });
});
