import { afterEach, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSqliteCheckpoints } from "../../../src/adapters/vault/sqlite-checkpoints.ts";
import { openSqliteTokenDatabase } from "../../../src/adapters/vault/sqlite-database.ts";

const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function scratchDb(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sqlite-checkpoints-"));
  dirs.push(dir);
  return path.join(dir, "tokens.db");
}

/** Write about `pages` pages of log through `db`, one small commit at a time as the server does. */
function writeLog(db: ReturnType<typeof openSqliteTokenDatabase>, rows: number): void {
  db.run("CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
  const insert = db.prepare("INSERT INTO filler (body) VALUES (?)");
  for (let row = 0; row < rows; row += 1) insert.run(new Uint8Array(2000));
}

describe("SQLite checkpoints on a worker", () => {
  test("the log is copied into the database off the request path, long before SQLite's own threshold", async () => {
    const file = scratchDb();
    const db = openSqliteTokenDatabase(file);
    const bookkeeping = openSqliteTokenDatabase(file, { synchronous: "NORMAL" });
    const checkpoints = startSqliteCheckpoints(file, [db, bookkeeping]);
    try {
      // The connections leave checkpoints to the worker: their own threshold is far away.
      expect(
        db.query<{ wal_autocheckpoint: number }, []>("PRAGMA wal_autocheckpoint").get()?.wal_autocheckpoint,
      ).toBe(16_384);
      const before = fs.statSync(file).size;
      // About 1000 pages of log: under the backstop, so only the worker can have copied them.
      writeLog(bookkeeping, 1000);
      const deadline = Date.now() + 5000;
      while (fs.statSync(file).size < before + 1_500_000 && Date.now() < deadline) await Bun.sleep(50);
      expect(fs.statSync(file).size).toBeGreaterThan(before + 1_500_000);
    } finally {
      checkpoints.stop();
      bookkeeping.close(true);
      db.close(true);
    }
  });

  test("without the worker nothing copies the log until SQLite's own threshold (the control)", async () => {
    const file = scratchDb();
    const db = openSqliteTokenDatabase(file);
    try {
      db.run("PRAGMA wal_autocheckpoint = 16384");
      const before = fs.statSync(file).size;
      writeLog(db, 1000);
      await Bun.sleep(600);
      expect(fs.statSync(file).size).toBe(before);
    } finally {
      db.close(true);
    }
  });
});
