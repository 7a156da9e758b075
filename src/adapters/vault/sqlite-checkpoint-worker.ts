import { Database } from "bun:sqlite";
import type { CheckpointJob } from "./sqlite-checkpoints.ts";

/** The worker side of startSqliteCheckpoints: its own connection, a PASSIVE checkpoint on a timer. */
declare const self: Worker;

self.onmessage = (event: MessageEvent<CheckpointJob>) => {
  const { path, everyMs } = event.data;
  const db = new Database(path, { readwrite: true });
  // FULL: the checkpoint syncs the log before copying it, which is what makes the bookkeeping
  // connection's NORMAL commits survive a power loss from then on.
  db.run("PRAGMA synchronous = FULL");
  db.run("PRAGMA busy_timeout = 1000");
  setInterval(() => {
    try {
      // PASSIVE never waits for, nor blocks, the server's readers and writers.
      db.run("PRAGMA wal_checkpoint(PASSIVE)");
    } catch {
      // Busy or briefly unreadable: the next round copies what this one could not.
    }
  }, everyMs);
};
