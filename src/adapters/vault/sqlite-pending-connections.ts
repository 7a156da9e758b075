import type { Database, Statement } from "bun:sqlite";
import type { PendingConnection, PendingConnections } from "../../domain/ports/pending-connections.ts";
import {
  connectCodeHash,
  openEach,
  openPendingConnection,
  sealPendingConnection,
} from "./pending-connection-codec.ts";
import type { RecordSealer } from "./record-sealer.ts";
import { sqliteCall } from "./sqlite-database.ts";

type Row = { code_hash: string; record: Uint8Array };

/** Connections held for confirmation, in the token database, keyed by the code's hash. */
export class SqlitePendingConnections implements PendingConnections {
  readonly #sealer: RecordSealer;
  readonly #insert: Statement<unknown, [string, number, Uint8Array]>;
  readonly #take: Statement<Row, [string]>;
  readonly #takeExpired: Statement<Row, [number]>;

  constructor(db: Database, sealer: RecordSealer) {
    this.#sealer = sealer;
    [this.#insert, this.#take, this.#takeExpired] = sqliteCall("prepare statements", () => [
      db.prepare<unknown, [string, number, Uint8Array]>(
        "INSERT INTO pending_connections (code_hash, expires_at, record) VALUES (?1, ?2, ?3)",
      ),
      // One statement: of two concurrent takers (any process) only one gets the row.
      db.prepare<Row, [string]>(
        "DELETE FROM pending_connections WHERE code_hash = ?1 RETURNING code_hash, record",
      ),
      db.prepare<Row, [number]>(
        "DELETE FROM pending_connections WHERE expires_at <= ?1 RETURNING code_hash, record",
      ),
    ]);
  }

  async save(pending: PendingConnection): Promise<void> {
    const sealed = sealPendingConnection(this.#sealer, pending);
    const hash = connectCodeHash(pending.connectCode);
    sqliteCall("hold a connection", () => this.#insert.run(hash, pending.expiresAt.getTime(), sealed));
  }

  /** @throws DomainError record_unreadable when the entry exists but cannot be opened (it is gone then) */
  async take(connectCode: string): Promise<PendingConnection | null> {
    const hash = connectCodeHash(connectCode);
    const row = sqliteCall("take a held connection", () => this.#take.get(hash));
    return row === null ? null : openPendingConnection(this.#sealer, hash, row.record);
  }

  async takeExpired(now: Date): Promise<PendingConnection[]> {
    const rows = sqliteCall("take expired held connections", () => this.#takeExpired.all(now.getTime()));
    return openEach(this.#sealer, rows);
  }
}
