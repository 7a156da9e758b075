import * as fs from "node:fs";
import { type SweepJob, sweepEntries } from "./directory-sweep.ts";

/** The worker side of sweepDirectory: one job, answered with a message once it is done. */
declare const self: Worker;

self.onmessage = (event: MessageEvent<SweepJob>) => {
  const job = event.data;
  let names: string[] = [];
  try {
    names = fs.readdirSync(job.dir);
  } catch {
    // Gone or unreadable: nothing to sweep.
  }
  sweepEntries(job, names);
  self.postMessage("done");
};
