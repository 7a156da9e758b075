import * as fs from "node:fs";
import { cleanEntry } from "./private-files.ts";

/** Entries cleaned per turn of the event loop when sweeping in this thread. */
const BATCH = 500;
/**
 * A directory whose own size is past this is swept in a worker. The size of a directory grows
 * with its entries on the usual file systems (ext4: ~110 bytes an entry, so about ten thousand
 * records; tmpfs: ~20 bytes), which makes it a free hint of how long its listing is.
 */
export const WORKER_SWEEP_DIRECTORY_BYTES = 1024 * 1024;

export interface SweepJob {
  dir: string;
  recordSuffix: string;
  /** Ages of scratch files and locks are judged against this (ms since the epoch). */
  now: number;
}

/**
 * cleanDirectory for a directory that may hold a million records, in the background so a
 * server's start does not wait for it. Bun reads a directory whole whatever API lists it, so a
 * synchronous sweep took time in proportion to the number of customers, and a large listing
 * left its high-water mark in the memory of a server that then sat idle. A small directory is
 * swept in this thread, a batch per turn of the event loop; a large one in a worker, whose
 * memory goes away with it.
 *
 * It removes and tightens what a start-up sweep always did, under the same rules, which already
 * allow for live writers in other processes: an entry renamed or removed by a live write is
 * skipped, as is any that fails (the next start sweeps it again).
 * @param workerFromBytes directory size from which the sweep runs in a worker (tests lower it)
 * @returns where the sweep ran, once every entry has been looked at; never rejects
 */
export async function sweepDirectory(
  dir: string,
  recordSuffix: string,
  workerFromBytes = WORKER_SWEEP_DIRECTORY_BYTES,
): Promise<"here" | "worker" | "gone"> {
  const job: SweepJob = { dir, recordSuffix, now: Date.now() };
  let size: number;
  try {
    size = (await fs.promises.stat(dir)).size;
  } catch {
    // The directory went away or became unreadable: every operation will report that itself.
    return "gone";
  }
  if (size >= workerFromBytes && (await sweepInWorker(job))) return "worker";
  await sweepHere(job);
  return "here";
}

async function sweepHere(job: SweepJob): Promise<void> {
  let names: string[];
  try {
    names = await fs.promises.readdir(job.dir);
  } catch {
    return;
  }
  for (let start = 0; start < names.length; start += BATCH) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    sweepEntries(job, names.slice(start, start + BATCH));
  }
}

/** Clean the given entries of `job.dir`, skipping any that fails. */
export function sweepEntries(job: SweepJob, names: readonly string[]): void {
  for (const name of names) {
    try {
      cleanEntry(job.dir, name, job.recordSuffix, job.now);
    } catch {
      // Skipped: see sweepDirectory.
    }
  }
}

/** @returns false when no worker could run the sweep (then it is done here) */
function sweepInWorker(job: SweepJob): Promise<boolean> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL("./directory-sweep-worker.ts", import.meta.url));
    } catch {
      resolve(false);
      return;
    }
    // A sweep never keeps a process alive: a CLI that is done may exit in the middle of it.
    worker.unref();
    worker.onmessage = () => {
      worker.terminate();
      resolve(true);
    };
    worker.onerror = () => {
      worker.terminate();
      resolve(false);
    };
    worker.postMessage(job);
  });
}
