/**
 * One "server process" of the cross-process claim race: opens the store as the server does
 * (openStorage over the environment it was given), says "ready", waits for the start time on
 * stdin, then claims `<prefix>-<round>` three times at once at each round's start, and prints
 * how many of its claims won, per round, as JSON.
 */
import { loadConfig } from "../../../src/app/config.ts";
import { openStorage } from "../../../src/app/storage.ts";
import { parseCustomerId } from "../../../src/domain/customer-id.ts";
import { sampleClaim } from "./idempotency-fixtures.ts";

const [prefix = "race", rounds = "20", stepMs = "50"] = Bun.argv.slice(2);
const storage = await openStorage(loadConfig(Bun.env as Record<string, string>));
const alice = parseCustomerId("alice");
process.stdout.write("ready\n");
let startAt = Number.NaN;
for await (const line of console) {
  startAt = Number(line);
  break;
}
const wins: number[] = [];
for (let round = 0; round < Number(rounds); round += 1) {
  const wait = startAt + round * Number(stepMs) - Date.now();
  if (wait > 0) await Bun.sleep(wait);
  const claim = sampleClaim(alice, `${prefix}-${round}`);
  const outcomes = await Promise.all([1, 2, 3].map(() => storage.idempotency.claim(claim, new Date())));
  wins.push(outcomes.filter((outcome) => outcome.claimed).length);
}
await storage.close();
process.stdout.write(`${JSON.stringify({ wins })}\n`);
