import { keyIdHex, keyIdOf } from "../../adapters/vault/encryption-keys.ts";
import type { ResealOutcome } from "../../adapters/vault/resealable-vault.ts";
import type { CustomerId } from "../../domain/customer-id.ts";
import { isDomainError } from "../../domain/errors.ts";
import { type CliCommand, type CliIo, EXIT } from "./cli-command.ts";
import { withStore } from "./cli-context.ts";
import { collectIds, fields } from "./format.ts";
import { ProgressBar } from "./progress-bar.ts";

type Counts = Record<ResealOutcome | "unreadable", number>;

export const rotateKeyCommand: CliCommand = {
  name: "rotate-key",
  summary: "Re-encrypt every stored connection with the current key",
  positionals: [],
  options: {},
  description: `
Walks every stored connection and reseals the ones an older key sealed with TOKEN_ENCRYPTION_KEY.
Older keys are read from TOKEN_ENCRYPTION_PREVIOUS_KEYS. Each record is swapped only if nobody
changed it meanwhile, so this is safe while the server is serving; run it again at any time.

Reports how many records were resealed, were already current, vanished while it ran (missing), or
could not be opened with any configured key (unreadable; exit status 1). Once it reports no
unreadable records, the previous keys can be removed (after 10 minutes: authorizations in flight
are sealed too, and expire by then).`,
  run: (_args, io) =>
    withStore(io, async ({ config, storage }) => {
      const ids = await collectIds(storage.vault.listCustomerIds());
      const counts: Counts = { resealed: 0, current: 0, missing: 0, unreadable: 0 };
      const unreadable = await resealAll(ids, storage.vault, counts, io);
      const keyId = config.encryption.key === null ? "?" : keyIdHex(keyIdOf(config.encryption.key));
      io.out(`Key rotation done: ${ids.length} record(s) checked, current key id ${keyId}\n`);
      io.out(
        fields([
          ["resealed", counts.resealed],
          ["already current", counts.current],
          ["missing", counts.missing],
          ["unreadable", counts.unreadable],
        ]),
      );
      if (unreadable.length === 0) return EXIT.ok;
      io.err(
        `error: ${unreadable.length} record(s) could not be opened with the current or previous keys ` +
          `(${unreadable.slice(0, 10).join(", ")}${unreadable.length > 10 ? ", ..." : ""}); ` +
          "keep TOKEN_ENCRYPTION_PREVIOUS_KEYS until they are resolved\n",
      );
      return EXIT.failure;
    }),
};

/** @returns the ids no configured key opens; anything but record_unreadable stops the walk. */
async function resealAll(
  ids: CustomerId[],
  vault: { reseal(id: CustomerId): Promise<ResealOutcome> },
  counts: Counts,
  io: CliIo,
): Promise<CustomerId[]> {
  const bar = io.interactive
    ? new ProgressBar({ write: io.err, total: ids.length, label: "rotating" })
    : null;
  const unreadable: CustomerId[] = [];
  try {
    for (const [index, id] of ids.entries()) {
      try {
        counts[await vault.reseal(id)] += 1;
      } catch (error) {
        if (!isDomainError(error, "record_unreadable")) throw error;
        counts.unreadable += 1;
        unreadable.push(id);
      }
      bar?.update(index + 1);
    }
  } finally {
    bar?.finish();
  }
  return unreadable;
}
