import type { Database } from "bun:sqlite";
import { afterEach, spyOn } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PostgresTokenVault } from "../../../src/adapters/postgres/postgres-token-vault.ts";
import { CONNECTION_SUFFIX } from "../../../src/adapters/vault/connection-file-name.ts";
import { EncryptedFileTokenVault } from "../../../src/adapters/vault/encrypted-file-token-vault.ts";
import { RecordSealer } from "../../../src/adapters/vault/record-sealer.ts";
import { openSqliteTokenDatabase } from "../../../src/adapters/vault/sqlite-database.ts";
import { SqliteTokenVault } from "../../../src/adapters/vault/sqlite-token-vault.ts";
import { FileWebhookOutbox } from "../../../src/adapters/webhooks/file-webhook-outbox.ts";
import { PostgresWebhookOutbox } from "../../../src/adapters/webhooks/postgres-webhook-outbox.ts";
import { SqliteWebhookOutbox } from "../../../src/adapters/webhooks/sqlite-webhook-outbox.ts";
import { SchemaScope } from "../postgres/postgres-fixtures.ts";
import { describeConnectionWebhooksContract } from "./connection-webhooks-contract.ts";
import { newKeys } from "./vault-fixtures.ts";

const restores: Array<() => void> = [];
afterEach(() => {
  for (const restore of restores.splice(0)) restore();
});

const ioError = (): Error => Object.assign(new Error("injected I/O error"), { code: "EIO" });

describeConnectionWebhooksContract("SQLite", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sqlite-webhooks-"));
  const file = path.join(dir, "tokens.db");
  const sealer = new RecordSealer(newKeys());
  const opened: Database[] = [];
  const open = (): Database => {
    const db = openSqliteTokenDatabase(file);
    opened.push(db);
    return db;
  };
  const admin = open();
  return {
    openVault: async (webhooks) =>
      new SqliteTokenVault(open(), sealer, webhooks === undefined ? {} : { webhooks }),
    openOutbox: async () => new SqliteWebhookOutbox(open(), sealer),
    // Triggers abort the statement, as a full disk or a constraint would.
    failWebhookWrites: async () => {
      admin.run(`CREATE TRIGGER refuse_webhook BEFORE INSERT ON webhook_outbox
                 BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    },
    failConnectionWrites: async () => {
      for (const event of ["INSERT", "UPDATE", "DELETE"]) {
        admin.run(`CREATE TRIGGER refuse_connection_${event} BEFORE ${event} ON connections
                   BEGIN SELECT RAISE(ABORT, 'refused'); END`);
      }
    },
    cleanup: async () => {
      for (const db of opened) db.close(true);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

describeConnectionWebhooksContract("PostgreSQL", async () => {
  const scope = new SchemaScope();
  const sealer = new RecordSealer(newKeys());
  const refuse = `"${scope.schema}".refuse`;
  const refuseOn = async (table: string, events: string): Promise<void> => {
    await scope.admin.unsafe(`CREATE OR REPLACE FUNCTION ${refuse}() RETURNS trigger LANGUAGE plpgsql
                              AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`);
    await scope.admin.unsafe(`CREATE TRIGGER refuse BEFORE ${events} ON ${scope.table(table)}
                              FOR EACH ROW EXECUTE FUNCTION ${refuse}()`);
  };
  return {
    openVault: async (webhooks) =>
      new PostgresTokenVault(await scope.open(), sealer, webhooks === undefined ? {} : { webhooks }),
    openOutbox: async () => new PostgresWebhookOutbox(await scope.open(), sealer),
    failWebhookWrites: () => refuseOn("webhook_outbox", "INSERT"),
    failConnectionWrites: () => refuseOn("connections", "INSERT OR UPDATE OR DELETE"),
    cleanup: () => scope.cleanup(),
  };
});

describeConnectionWebhooksContract("encrypted files", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "file-webhooks-"));
  const sealer = new RecordSealer(newKeys());
  const staged = `${path.sep}webhooks${path.sep}staged${path.sep}`;
  const isRecord = (file: unknown): boolean => String(file).endsWith(CONNECTION_SUFFIX);
  return {
    openVault: async (webhooks) =>
      new EncryptedFileTokenVault({ dir, sealer, ...(webhooks === undefined ? {} : { webhooks }) }),
    openOutbox: async () => new FileWebhookOutbox({ dir, sealer }),
    // The file system refuses the staged webhook's scratch file.
    failWebhookWrites: async () => {
      const open = fs.promises.open;
      const spy = spyOn(fs.promises, "open").mockImplementation((async (file, ...rest) => {
        if (String(file).includes(staged)) throw ioError();
        return open(file, ...rest);
      }) as typeof open);
      restores.push(() => spy.mockRestore());
    },
    // The rename that replaces the record, and the unlink that deletes it, fail.
    failConnectionWrites: async () => {
      const { rename, unlink } = fs.promises;
      const renames = spyOn(fs.promises, "rename").mockImplementation((async (from, to) => {
        if (isRecord(to)) throw ioError();
        return rename(from, to);
      }) as typeof rename);
      const unlinks = spyOn(fs.promises, "unlink").mockImplementation((async (file) => {
        if (isRecord(file)) throw ioError();
        return unlink(file);
      }) as typeof unlink);
      restores.push(
        () => renames.mockRestore(),
        () => unlinks.mockRestore(),
      );
    },
    cleanup: async () => {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
