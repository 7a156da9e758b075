import type { Database } from "bun:sqlite";

export interface CheckpointJob {
  path: string;
  everyMs: number;
}

/** How often the log is copied into the database: the most a NORMAL commit stays only in the log. */
const CHECKPOINT_EVERY_MS = 250;
/**
 * Left to itself, SQLite copies the log into the database (a checkpoint, with two disk syncs) in
 * the middle of whichever commit finds it past 1000 pages: a stall of several milliseconds on
 * the event loop (bun:sqlite is synchronous) for the one request that made that commit. With
 * the checkpoints on a worker, the connections keep that only as a backstop, far away.
 */
const BACKSTOP_PAGES = 16_384;
/** The log file is cut back to this after a checkpoint, so a burst does not keep its size. */
const LOG_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * Checkpoint the token database's write-ahead log from a worker thread, off the request path,
 * every CHECKPOINT_EVERY_MS. `connections` are the server's own, told to leave checkpoints to it.
 * Without a worker (it failed to start), SQLite's own checkpoints stay as they were.
 */
export function startSqliteCheckpoints(path: string, connections: Database[]): { stop(): void } {
  let worker: Worker;
  try {
    worker = new Worker(new URL("./sqlite-checkpoint-worker.ts", import.meta.url));
  } catch {
    return { stop: () => undefined };
  }
  // Checkpoints never keep a process alive: the CLI exits when its work is done.
  worker.unref();
  const job: CheckpointJob = { path, everyMs: CHECKPOINT_EVERY_MS };
  worker.postMessage(job);
  for (const db of connections) {
    db.run(`PRAGMA wal_autocheckpoint = ${BACKSTOP_PAGES}`);
    db.run(`PRAGMA journal_size_limit = ${LOG_SIZE_LIMIT_BYTES}`);
  }
  worker.onerror = () => {
    // Back to SQLite's own checkpoints rather than a log that only grows.
    for (const db of connections) {
      try {
        db.run("PRAGMA wal_autocheckpoint = 1000");
      } catch {
        // Closed already: nothing left to checkpoint for.
      }
    }
  };
  return { stop: () => worker.terminate() };
}
