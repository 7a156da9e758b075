import * as fs from "node:fs";
import * as path from "node:path";
import type { CustomerId } from "../src/domain/customer-id.ts";
import { startServerProcess, waitIdle } from "./processes.ts";
import { syntheticConnection, syntheticId } from "./seed.ts";
import { type LatencySummary, median, ratio, round, summarize } from "./stats.ts";
import { type BenchStore, createStore, type StoreKind } from "./vault-stores.ts";

/**
 * Section 3: each token store grown to 10k, 100k and 1M customers (PostgreSQL to 100k): what a
 * customer costs on disk, whether a server's start time and idle memory grow with the store
 * (they must not), and get/put latency. What the time budget cannot fit is skipped and said so.
 */

export interface VaultSizes {
  sizes: Record<StoreKind, number[]>;
  /** Server starts per size: the fastest start and the median idle RSS are reported. */
  starts: number;
  gets: number;
  puts: number;
  /** The whole section must end by then (ms since the epoch); sizes that would not fit are skipped. */
  deadline: number;
}

export interface SizeFigures {
  customers: number;
  seedMs: number;
  diskBytesPerCustomer: number;
  /**
   * From spawning the server process until its /healthz first answered: the fastest of the
   * starts, since noise on a shared machine only ever adds to a start.
   */
  startMs: number;
  /** Resident memory once the started server has been idle (no CPU) for half a second. */
  idleRssBytes: number;
  /** Opening the store in this process (openStorage, as the server does), fastest of the tries, ms. */
  openMs: number;
  /** startMs and idleRssBytes over the same figures at the store's smallest size. */
  startRatio: number;
  rssRatio: number;
  getMs: LatencySummary;
  putMs: LatencySummary;
}

export interface StoreFigures {
  kind: StoreKind;
  measured: SizeFigures[];
  skipped: Array<{ customers: number; reason: string }>;
}

export interface VaultSection {
  stores: StoreFigures[];
}

export async function benchVaults(
  dir: string,
  sizes: VaultSizes,
  log: (line: string) => void,
): Promise<VaultSection> {
  const stores: StoreFigures[] = [];
  for (const kind of ["sqlite", "postgres", "encrypted_file"] as const) {
    const figures: StoreFigures = { kind, measured: [], skipped: [] };
    stores.push(figures);
    let store: BenchStore;
    try {
      store = await createStore(kind, fs.mkdtempSync(path.join(dir, `${kind}-`)));
    } catch (error) {
      const reason = `store unavailable: ${error instanceof Error ? error.message : String(error)}`;
      figures.skipped.push(...sizes.sizes[kind].map((customers) => ({ customers, reason })));
      log(`  ${kind}: ${reason}`);
      continue;
    }
    try {
      await grow(store, sizes, figures, log);
    } finally {
      await store.destroy();
    }
  }
  return { stores };
}

async function grow(
  store: BenchStore,
  sizes: VaultSizes,
  figures: StoreFigures,
  log: (line: string) => void,
) {
  let seeded = 0;
  let msPerCustomer = 0;
  for (const customers of sizes.sizes[store.kind]) {
    // Seeding at the previous size's rate, with a margin and a fixed allowance for the starts and timings.
    const estimate = (customers - seeded) * msPerCustomer * 1.3 + 20_000;
    if (msPerCustomer > 0 && Date.now() + estimate > sizes.deadline) {
      const reason = `skipped: would need about ${Math.round(estimate / 1000)} s, beyond the run's time budget`;
      figures.skipped.push({ customers, reason });
      log(`  ${store.kind} ${customers}: ${reason}`);
      continue;
    }
    const started = performance.now();
    await store.seed(seeded, customers);
    const seedMs = performance.now() - started;
    msPerCustomer = seedMs / (customers - seeded);
    seeded = customers;
    const size = await measure(store, customers, seedMs, sizes);
    const first = figures.measured[0] ?? size;
    size.startRatio = ratio(size.startMs, first.startMs);
    size.rssRatio = ratio(size.idleRssBytes, first.idleRssBytes);
    figures.measured.push(size);
    log(
      `  ${store.kind} ${customers}: ${size.diskBytesPerCustomer} B/customer, start ${size.startMs} ms ` +
        `(x${size.startRatio}), idle RSS ${(size.idleRssBytes / 1048576).toFixed(1)} MiB (x${size.rssRatio}), ` +
        `get p50 ${size.getMs.p50} ms, put p50 ${size.putMs.p50} ms, seeded in ${Math.round(seedMs)} ms`,
    );
  }
}

async function measure(
  store: BenchStore,
  customers: number,
  seedMs: number,
  sizes: VaultSizes,
): Promise<SizeFigures> {
  const diskBytes = await store.diskBytes();
  // What seeding wrote is flushed first, so the kernel's write-back does not slow the starts.
  Bun.spawnSync(["sync"]);
  const starts: number[] = [];
  const rss: number[] = [];
  for (let attempt = 0; attempt < sizes.starts; attempt += 1) {
    const server = await startServerProcess("src/app/main.ts", store.env, path.join(store.dir, "server.log"));
    starts.push(server.startMs);
    await waitIdle(server.pid);
    rss.push(server.rssBytes());
    await server.stop();
  }
  const openings: number[] = [];
  for (let attempt = 0; attempt < sizes.starts; attempt += 1) {
    const started = performance.now();
    const storage = await store.open();
    openings.push(performance.now() - started);
    await storage.close();
  }
  const { getMs, putMs } = await timeGetsAndPuts(store, customers, sizes);
  return {
    customers,
    seedMs: round(seedMs, 0),
    diskBytesPerCustomer: round(diskBytes / customers, 1),
    startMs: round(Math.min(...starts), 1),
    idleRssBytes: median(rss),
    openMs: round(Math.min(...openings), 2),
    startRatio: 1,
    rssRatio: 1,
    getMs,
    putMs,
  };
}

/** Gets of distinct random customers (never answered from a cache), then puts of others. */
async function timeGetsAndPuts(
  store: BenchStore,
  customers: number,
  sizes: VaultSizes,
): Promise<{ getMs: LatencySummary; putMs: LatencySummary }> {
  const storage = await store.open();
  try {
    const picks = distinctRandom(customers, sizes.gets + sizes.puts);
    const gets: number[] = [];
    for (const index of picks.slice(0, sizes.gets)) {
      const started = performance.now();
      const found = await storage.vault.get(syntheticId(index) as CustomerId);
      gets.push(performance.now() - started);
      if (found === null) throw new Error(`customer ${index} is missing from the ${store.kind} store`);
    }
    const puts: number[] = [];
    for (const index of picks.slice(sizes.gets)) {
      const connection = syntheticConnection(index);
      const started = performance.now();
      await storage.vault.put(connection);
      puts.push(performance.now() - started);
    }
    return { getMs: summarize(gets), putMs: summarize(puts) };
  } finally {
    await storage.close();
  }
}

function distinctRandom(below: number, count: number): number[] {
  const picked = new Set<number>();
  while (picked.size < Math.min(count, below)) picked.add(Math.floor(Math.random() * below));
  return [...picked];
}
