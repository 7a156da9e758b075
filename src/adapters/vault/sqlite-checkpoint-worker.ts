import { Database, type Statement } from "bun:sqlite";
import type { CheckpointJob } from "./sqlite-checkpoints.ts";

/**
 * The worker side of startSqliteCheckpoints: its own connection, a PASSIVE checkpoint on a timer,
 * and the first commit of each new log.
 *
 * Once a checkpoint has copied the whole log, the next commit starts the log over, and SQLite
 * syncs the log's new header then (at synchronous NORMAL or FULL: an unsynced header could let a
 * power loss corrupt the database). Left to the server's connections, that sync fell on the event
 * loop, inside whichever booking committed first after each checkpoint: one booking in fifty at
 * 200 a second waited for the disk. So the worker makes that first commit itself, a one-row write
 * to log_restarts, right after the checkpoint. It does so only when the log held more than its own
 * last restart, so an idle server writes nothing.
 */
declare const self: Worker;

interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

self.onmessage = (event: MessageEvent<CheckpointJob>) => {
  const { path, everyMs } = event.data;
  const db = new Database(path, { readwrite: true });
  // FULL: the checkpoint syncs the log before copying it, which is what makes the bookkeeping
  // connection's NORMAL commits survive a power loss from then on.
  db.run("PRAGMA synchronous = FULL");
  db.run("PRAGMA busy_timeout = 1000");
  // PASSIVE never waits for, nor blocks, the server's readers and writers.
  const checkpoint = db.query<CheckpointResult, []>("PRAGMA wal_checkpoint(PASSIVE)");
  let restart: Statement<unknown, [number]> | null = null;
  /** Log frames our own last restart wrote: its one page (a second one, if ever, costs a spare round). */
  let ownFrames = 0;
  setInterval(() => {
    try {
      const done = checkpoint.get();
      if (done === null || done.busy !== 0 || done.checkpointed !== done.log || done.log <= ownFrames) return;
      // Prepared late: a database a newer or older server migrated may lack the table, and then
      // the connections restart the log as SQLite would.
      restart ??= db.prepare<unknown, [number]>(
        "INSERT INTO log_restarts (id, at) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET at = excluded.at",
      );
      restart.run(Date.now());
      ownFrames = 1;
    } catch {
      // Busy or briefly unreadable: the next round copies what this one could not.
    }
  }, everyMs);
};
