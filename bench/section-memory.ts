import { rssOf } from "./processes.ts";
import { BENCH_API_KEY, type Stack } from "./stack.ts";

/**
 * Issue 10 §4's attack, measured: one customer whose calendar holds many events with long
 * descriptions, and a burst of concurrent `list_events` calls asking for as much as they may.
 * Reported against the same server's idle RSS, measured in the same run, with the largest
 * answer's size: a server that caps its answers and bounds its concurrent work keeps its peak
 * under the documented ceiling (docs/performance.md) however large the calendar is.
 */

export interface MemorySizes {
  events: number;
  descriptionBytes: number;
  concurrentCalls: number;
}

export interface MemorySection {
  sizes: MemorySizes;
  idleRssBytes: number;
  peakRssBytes: number;
  /** peak / idle, same process. */
  peakRatio: number;
  largestAnswerBytes: number;
  /** Calls answered with a result (an error result counts: refusing is allowed, failing is not). */
  answered: number;
  refusedRateLimited: number;
  failed: number;
}

/** The documented ceiling for this load (docs/performance.md): peak RSS over idle RSS. */
export const MEMORY_PEAK_CEILING_RATIO = 2.5;

export async function benchMemory(
  stack: Stack,
  sizes: MemorySizes,
  log: (line: string) => void,
): Promise<MemorySection> {
  const [customer] = await stack.connect(["bench-memory-1"]);
  if (customer === undefined) throw new Error("no customer connected");
  await seedLongEvents(stack.emulator.url, customer.accessToken, sizes);
  const target = await stack.start("ours");
  const pid = target.process.pid;
  // Warm the path once, then let the process settle.
  await target.mcp.call("list_events", { customer_id: customer.customerId, max_results: 10 });
  await Bun.sleep(500);
  const idleRssBytes = rssOf(pid);
  let peakRssBytes = idleRssBytes;
  const sampler = setInterval(() => {
    peakRssBytes = Math.max(peakRssBytes, rssOf(pid));
  }, 5);
  const timeMin = new Date(Date.now() - 86_400_000).toISOString();
  let largestAnswerBytes = 0;
  let answered = 0;
  let refusedRateLimited = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: sizes.concurrentCalls }, async () => {
      const response = await fetch(`${target.mcp.url}/mcp`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${BENCH_API_KEY}`,
          "content-type": "application/json",
          accept: "application/json",
        },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "tools/call",
          params: {
            name: "list_events",
            arguments: { customer_id: customer.customerId, time_min: timeMin, max_results: 2500 },
          },
        }),
      });
      const text = await response.text();
      largestAnswerBytes = Math.max(largestAnswerBytes, Buffer.byteLength(text));
      if (response.status !== 200) {
        failed += 1;
        return;
      }
      answered += 1;
      if (text.includes('"rate_limited"')) refusedRateLimited += 1;
    }),
  );
  clearInterval(sampler);
  peakRssBytes = Math.max(peakRssBytes, rssOf(pid));
  const peakRatio = Math.round((peakRssBytes / idleRssBytes) * 100) / 100;
  log(
    `   ${sizes.concurrentCalls} concurrent list_events over ${sizes.events} events of ${sizes.descriptionBytes} B: ` +
      `idle ${mib(idleRssBytes)} MiB, peak ${mib(peakRssBytes)} MiB (x${peakRatio}), ` +
      `largest answer ${(largestAnswerBytes / 1024).toFixed(0)} KiB, ${refusedRateLimited} refused, ${failed} failed`,
  );
  await target.process.stop();
  return {
    sizes,
    idleRssBytes,
    peakRssBytes,
    peakRatio,
    largestAnswerBytes,
    answered,
    refusedRateLimited,
    failed,
  };
}

/** Events straight into the customer's calendar at the emulator, as another client would write them. */
async function seedLongEvents(emulatorUrl: string, accessToken: string, sizes: MemorySizes): Promise<void> {
  const description = "x".repeat(sizes.descriptionBytes);
  const base = Date.now() + 3_600_000;
  const insert = async (index: number): Promise<void> => {
    const start = new Date(base + index * 3_600_000);
    const response = await fetch(`${emulatorUrl}/calendar/v3/calendars/primary/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        summary: `Long event ${index}`,
        description,
        start: { dateTime: start.toISOString() },
        end: { dateTime: new Date(start.getTime() + 1_800_000).toISOString() },
      }),
    });
    if (!response.ok) throw new Error(`seeding event ${index}: HTTP ${response.status}`);
  };
  for (let index = 0; index < sizes.events; index += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, sizes.events - index) }, (_, offset) => insert(index + offset)),
    );
  }
}

function mib(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}
