import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { SqliteGroupCommit } from "../../../src/adapters/vault/sqlite-group-commit.ts";

function openDb(): Database {
  const db = new Database(":memory:");
  db.run("CREATE TABLE parent (id INTEGER PRIMARY KEY)");
  db.run(
    "CREATE TABLE item (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)",
  );
  db.run("PRAGMA foreign_keys = ON");
  db.run("INSERT INTO parent (id) VALUES (1)");
  return db;
}

const count = (db: Database) => (db.query("SELECT count(*) AS n FROM item").get() as { n: number }).n;

describe("SqliteGroupCommit", () => {
  test("writes asked for in one turn run in order in one transaction, each with its own result", async () => {
    const db = openDb();
    const group = new SqliteGroupCommit(db);
    const insert = db.prepare("INSERT INTO item (id, parent) VALUES (?1, 1)");
    const seen: Array<{ id: number; inTransaction: boolean }> = [];
    const results = await Promise.all(
      [1, 2, 3].map((id) =>
        group.run(() => {
          seen.push({ id, inTransaction: db.inTransaction });
          return insert.run(id).changes * id;
        }),
      ),
    );
    expect(results).toEqual([1, 2, 3]);
    expect(seen).toEqual([
      { id: 1, inTransaction: true },
      { id: 2, inTransaction: true },
      { id: 3, inTransaction: true },
    ]);
    expect(db.inTransaction).toBe(false);
    expect(count(db)).toBe(3);
  });

  test("nothing is reported written before its commit: the promise settles after it", async () => {
    const db = openDb();
    const group = new SqliteGroupCommit(db);
    let committedWhenSettled = -1;
    const pending = group.run(() => db.run("INSERT INTO item (id, parent) VALUES (1, 1)"));
    const other = group.run(() => db.run("INSERT INTO item (id, parent) VALUES (2, 1)"));
    expect(count(db)).toBe(0);
    await pending.then(() => {
      committedWhenSettled = db.inTransaction ? -1 : count(db);
    });
    await other;
    expect(committedWhenSettled).toBe(2);
  });

  test("a write alone in its turn runs without a transaction around it", async () => {
    const db = openDb();
    const group = new SqliteGroupCommit(db);
    const inTransaction = await group.run(() => db.inTransaction);
    expect(inTransaction).toBe(false);
  });

  test("one write's error is its own: the others commit", async () => {
    const db = openDb();
    const group = new SqliteGroupCommit(db);
    const [first, failed, last] = await Promise.allSettled([
      group.run(() => db.run("INSERT INTO item (id, parent) VALUES (1, 1)")),
      group.run(() => db.run("INSERT INTO item (id, parent) VALUES (1, 1)")), // duplicate id
      group.run(() => db.run("INSERT INTO item (id, parent) VALUES (2, 1)")),
    ]);
    expect(first.status).toBe("fulfilled");
    expect(failed.status).toBe("rejected");
    expect(last.status).toBe("fulfilled");
    expect(count(db)).toBe(2);
  });

  test("a write whose error ends the transaction fails the whole batch, and later writes do not run", async () => {
    const db = openDb();
    const group = new SqliteGroupCommit(db);
    let ranAfter = false;
    const outcomes = await Promise.allSettled([
      group.run(() => db.run("INSERT INTO item (id, parent) VALUES (1, 1)")),
      group.run(() => {
        // As SQLite does on an I/O error or a full disk: the transaction is rolled back.
        db.run("ROLLBACK");
        throw new Error("disk I/O error");
      }),
      group.run(() => {
        ranAfter = true;
        db.run("INSERT INTO item (id, parent) VALUES (2, 1)");
      }),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(ranAfter).toBe(false);
    expect(db.inTransaction).toBe(false);
    expect(count(db)).toBe(0);
  });

  test("a commit that fails fails every write in it, and none is kept", async () => {
    const db = openDb();
    const group = new SqliteGroupCommit(db);
    // A deferred foreign key is checked at COMMIT: item 2 names no parent.
    const outcomes = await Promise.allSettled([
      group.run(() => db.run("INSERT INTO item (id, parent) VALUES (1, 1)")),
      group.run(() => db.run("INSERT INTO item (id, parent) VALUES (2, 99)")),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
    expect(db.inTransaction).toBe(false);
    expect(count(db)).toBe(0);
    // The connection is usable afterwards.
    await group.run(() => db.run("INSERT INTO item (id, parent) VALUES (3, 1)"));
    expect(count(db)).toBe(1);
  });
});
