/**
 * The process the crash tests kill: writes connections `from` … `from + count - 1` into a vault,
 * `concurrency` at a time, and prints `written <n>` once each put has resolved (so the parent
 * knows which writes the vault promised to keep). With `notify`, webhooks are on and each put
 * carries its notification (notificationOf). Run as
 * `bun test/hardening/vault-writer.ts '<CrashVaultPlace JSON>' <from> <count> <concurrency> [notify]`.
 */
import { type CrashVaultPlace, connectionOf, notificationOf, openCrashVault } from "./crash-vaults.ts";

const [placeJson = "", fromText = "0", countText = "1000", concurrencyText = "4", mode = ""] =
  process.argv.slice(2);
const place = JSON.parse(placeJson) as CrashVaultPlace;
const from = Number(fromText);
const end = from + Number(countText);
const notify = mode === "notify";
const opened = await openCrashVault(place, notify);
process.stdout.write("ready\n");

let next = from;
async function worker(): Promise<void> {
  while (next < end) {
    const write = next;
    next += 1;
    await opened.vault.put(connectionOf(write), notify ? { notify: notificationOf(write) } : {});
    process.stdout.write(`written ${write}\n`);
  }
}
await Promise.all(Array.from({ length: Number(concurrencyText) }, worker));
await opened.close();
process.stdout.write("done\n");
