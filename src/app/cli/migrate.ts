import { encodeConnection } from "../../adapters/vault/connection-codec.ts";
import type { Connection } from "../../domain/connection.ts";
import type { CustomerId } from "../../domain/customer-id.ts";
import { isDomainError } from "../../domain/errors.ts";
import type { TokenVault } from "../../domain/ports/token-vault.ts";
import { openStorage, type Storage } from "../storage.ts";
import { type CliCommand, type CliIo, EXIT, UsageError } from "./cli-command.ts";
import { loadCliConfig } from "./cli-context.ts";
import { collectIds, fields } from "./format.ts";
import { storageTypeArgument } from "./parse-args.ts";
import { ProgressBar } from "./progress-bar.ts";

interface Tally {
  copied: number;
  replaced: number;
  identical: number;
  vanished: number;
  unreadable: CustomerId[];
  unverified: CustomerId[];
  /** Read back identical from the destination. */
  verified: CustomerId[];
}

export const migrateCommand: CliCommand = {
  name: "migrate",
  summary: "Copy every connection from one token store to another, and verify the copy",
  positionals: [],
  options: {
    from: { type: "string", placeholder: "<type>", required: true, description: "Source store type" },
    to: { type: "string", placeholder: "<type>", required: true, description: "Destination store type" },
  },
  description: `
Store types: sqlite (TOKEN_DB_PATH), encrypted_file (TOKEN_VAULT_DIR), database (TOKEN_DATABASE_URL).
Both stores are configured from the environment, as the server would open them, with the same keys.

Each connection is read from the source, written to the destination, then read back from the
destination and compared. A destination record that differs is replaced; an identical one is left
as it is. The source is never changed or deleted, so the command can be run again. Stop the server
first (changes made during the copy may be missed), then set TOKEN_STORAGE_TYPE to the destination.
Pending authorizations are not copied: they last ten minutes.

Exit status 1 when a source record cannot be opened or a copy does not read back the same.`,
  run: async (args, io) => {
    const from = storageTypeArgument(args.values.from, "--from");
    const to = storageTypeArgument(args.values.to, "--to");
    if (from === to) throw new UsageError("--from and --to name the same store");
    const config = loadCliConfig(io.env);
    const source = await openStorage(config, from);
    try {
      const destination = await openStorage(config, to);
      try {
        const tally = await copyAll(source, destination, io);
        return report(tally, from, to, io);
      } finally {
        await destination.close();
      }
    } finally {
      await source.close();
    }
  },
};

async function copyAll(source: Storage, destination: Storage, io: CliIo): Promise<Tally> {
  const ids = await collectIds(source.vault.listCustomerIds());
  const tally: Tally = {
    copied: 0,
    replaced: 0,
    identical: 0,
    vanished: 0,
    unreadable: [],
    unverified: [],
    verified: [],
  };
  const bar = io.interactive
    ? new ProgressBar({ write: io.err, total: ids.length, label: "migrating" })
    : null;
  try {
    for (const [index, id] of ids.entries()) {
      await copyOne(id, source.vault, destination.vault, tally);
      bar?.update(index + 1);
    }
  } finally {
    bar?.finish();
  }
  // Last check: the destination must list what it holds, or the server could not find it (rotate-key walks it).
  const listed = new Set(await collectIds(destination.vault.listCustomerIds()));
  const missing = tally.verified.filter((id) => !listed.has(id));
  tally.unverified.push(...missing);
  return tally;
}

async function copyOne(id: CustomerId, from: TokenVault, to: TokenVault, tally: Tally): Promise<void> {
  const connection = await readable(from, id);
  if (connection === "unreadable") {
    tally.unreadable.push(id);
    return;
  }
  if (connection === null) {
    tally.vanished += 1;
    return;
  }
  const existing = await readable(to, id);
  if (existing !== null && existing !== "unreadable" && same(existing, connection)) {
    tally.identical += 1;
    tally.verified.push(id);
    return;
  }
  await to.put(connection);
  const copy = await readable(to, id);
  if (copy === null || copy === "unreadable" || !same(copy, connection)) {
    tally.unverified.push(id);
    return;
  }
  tally.copied += 1;
  tally.verified.push(id);
  if (existing !== null) tally.replaced += 1;
}

/** null when absent; "unreadable" when present but no configured key opens it. */
async function readable(vault: TokenVault, id: CustomerId): Promise<Connection | null | "unreadable"> {
  try {
    return await vault.get(id);
  } catch (error) {
    if (isDomainError(error, "record_unreadable")) return "unreadable";
    throw error;
  }
}

/** Field by field, through the stored encoding: Dates, nulls and scope order all count. */
function same(a: Connection, b: Connection): boolean {
  return Buffer.from(encodeConnection(a)).equals(Buffer.from(encodeConnection(b)));
}

function report(tally: Tally, from: string, to: string, io: CliIo): number {
  io.out(`Migrated connections from ${from} to ${to} (the source is unchanged)\n`);
  io.out(
    fields([
      [
        "copied",
        `${tally.copied}${tally.replaced > 0 ? ` (${tally.replaced} replaced a different record)` : ""}`,
      ],
      ["already identical", tally.identical],
      ["deleted meanwhile", tally.vanished],
      ["unreadable in source", tally.unreadable.length],
      ["failed verification", tally.unverified.length],
    ]),
  );
  const problems = [...tally.unreadable, ...tally.unverified];
  if (problems.length === 0) return EXIT.ok;
  io.err(
    `error: ${problems.length} connection(s) not migrated (${problems.slice(0, 10).join(", ")}` +
      `${problems.length > 10 ? ", ..." : ""}); fix them and run migrate again\n`,
  );
  return EXIT.failure;
}
