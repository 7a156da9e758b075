/**
 * The process the crash test kills: writes connections `from` … `from + count - 1` into a vault,
 * `concurrency` at a time, and prints `written <n>` once each put has resolved (so the parent
 * knows which writes the vault promised to keep). Run as
 * `bun test/hardening/vault-writer.ts '<CrashVaultPlace JSON>' <from> <count> <concurrency>`.
 */
import { type CrashVaultPlace, connectionOf, openCrashVault } from "./crash-vaults.ts";

const [placeJson = "", fromText = "0", countText = "1000", concurrencyText = "4"] = process.argv.slice(2);
const place = JSON.parse(placeJson) as CrashVaultPlace;
const from = Number(fromText);
const end = from + Number(countText);
const opened = await openCrashVault(place);
process.stdout.write("ready\n");

let next = from;
async function worker(): Promise<void> {
  while (next < end) {
    const write = next;
    next += 1;
    await opened.vault.put(connectionOf(write));
    process.stdout.write(`written ${write}\n`);
  }
}
await Promise.all(Array.from({ length: Number(concurrencyText) }, worker));
await opened.close();
process.stdout.write("done\n");
