import { keyIdHex, keyIdOf } from "../../adapters/vault/encryption-keys.ts";
import type { ResealableRecords } from "../../adapters/vault/resealable-records.ts";
import type { ResealOutcome } from "../../adapters/vault/resealable-vault.ts";
import { isDomainError } from "../../domain/errors.ts";
import type { SealedRecords } from "../storage.ts";
import { type CliCommand, type CliIo, EXIT } from "./cli-command.ts";
import { withStore } from "./cli-context.ts";
import { table } from "./format.ts";
import { ProgressBar } from "./progress-bar.ts";

type Counts = Record<ResealOutcome | "unreadable", number>;
type Kind = keyof SealedRecords;

/** What the summary calls each kind, in the order they are walked. */
const KINDS: Record<Kind, string> = {
  connections: "connections",
  idempotency_records: "idempotency keys",
  webhooks: "webhooks",
  tracked_calendars: "tracked calendars",
};

export const rotateKeyCommand: CliCommand = {
  name: "rotate-key",
  summary: "Re-encrypt every stored record with the current key",
  positionals: [],
  options: {},
  description: `
Walks every sealed record in the store (connections, bookings' idempotency keys, webhooks in the
outbox, calendars followed for changes) and reseals the ones an older key sealed with
TOKEN_ENCRYPTION_KEY. Older keys are read from TOKEN_ENCRYPTION_PREVIOUS_KEYS. Each record is
swapped only if nobody changed it meanwhile, so this is safe while the server is serving; run it
again at any time, also after an interruption.

Reports, for each kind, how many records were resealed, were already current, vanished while it
ran (missing), or could not be opened with any configured key (unreadable; exit status 1). Once it
reports no unreadable records, the previous keys can be removed (after 10 minutes: authorizations
in flight and consents held for confirmation are sealed too, are not resealed, and expire by then).`,
  run: (_args, io) =>
    withStore(io, async ({ config, storage }) => {
      const walk = await listAll(storage.sealed);
      const total = walk.reduce((sum, [, , keys]) => sum + keys.length, 0);
      const outcome = await resealAll(walk, total, io);
      const keyId = config.encryption.key === null ? "?" : keyIdHex(keyIdOf(config.encryption.key));
      io.out(`Key rotation done: ${total} record(s) checked, current key id ${keyId}\n`);
      io.out(
        table(
          ["KIND", "RESEALED", "ALREADY CURRENT", "MISSING", "UNREADABLE"],
          walk.map(([kind]) => {
            const counts = outcome.counts[kind];
            return [
              KINDS[kind],
              String(counts.resealed),
              String(counts.current),
              String(counts.missing),
              String(counts.unreadable),
            ];
          }),
        ),
      );
      const unreadable = outcome.unreadable;
      if (unreadable.length === 0) return EXIT.ok;
      io.err(
        `error: ${unreadable.length} record(s) could not be opened with the current or previous keys ` +
          `(${unreadable.slice(0, 10).join(", ")}${unreadable.length > 10 ? ", ..." : ""}); ` +
          "keep TOKEN_ENCRYPTION_PREVIOUS_KEYS until they are resolved\n",
      );
      return EXIT.failure;
    }),
};

type Walk = Array<[Kind, ResealableRecords, string[]]>;

/** Every kind's keys, listed before any reseal so the progress bar knows the total. */
async function listAll(sealed: SealedRecords): Promise<Walk> {
  const walk: Walk = [];
  for (const kind of Object.keys(KINDS) as Kind[]) {
    const keys: string[] = [];
    for await (const key of sealed[kind].keys()) keys.push(key);
    walk.push([kind, sealed[kind], keys.sort()]);
  }
  return walk;
}

/**
 * Reseal every listed record. Unreadable ones are counted and named (`kind key`); anything but
 * record_unreadable stops the walk (what is done stays done: a rerun finds it current).
 */
async function resealAll(
  walk: Walk,
  total: number,
  io: CliIo,
): Promise<{ counts: Record<Kind, Counts>; unreadable: string[] }> {
  const bar = io.interactive ? new ProgressBar({ write: io.err, total, label: "rotating" }) : null;
  const counts = Object.fromEntries(
    walk.map(([kind]) => [kind, { resealed: 0, current: 0, missing: 0, unreadable: 0 }]),
  ) as Record<Kind, Counts>;
  const unreadable: string[] = [];
  let done = 0;
  try {
    for (const [kind, records, keys] of walk) {
      for (const key of keys) {
        try {
          counts[kind][await records.reseal(key)] += 1;
        } catch (error) {
          if (!isDomainError(error, "record_unreadable")) throw error;
          counts[kind].unreadable += 1;
          unreadable.push(`${KINDS[kind]} ${key}`);
        }
        done += 1;
        bar?.update(done);
      }
    }
  } finally {
    bar?.finish();
  }
  return { counts, unreadable };
}
