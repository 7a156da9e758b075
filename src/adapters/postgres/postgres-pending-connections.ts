import type { PendingConnection, PendingConnections } from "../../domain/ports/pending-connections.ts";
import {
  connectCodeHash,
  openEach,
  openPendingConnection,
  sealPendingConnection,
} from "../vault/pending-connection-codec.ts";
import type { RecordSealer } from "../vault/record-sealer.ts";
import type { PostgresDatabase } from "./postgres-database.ts";

type Row = { code_hash: string; record: Uint8Array };

/** Connections held for confirmation in the shared database: any instance can confirm them. */
export class PostgresPendingConnections implements PendingConnections {
  readonly #db: PostgresDatabase;
  readonly #sealer: RecordSealer;
  readonly #table: string;

  constructor(db: PostgresDatabase, sealer: RecordSealer) {
    this.#db = db;
    this.#sealer = sealer;
    this.#table = db.table("pending_connections");
  }

  async save(pending: PendingConnection): Promise<void> {
    await this.#db.query(
      "hold a connection",
      `INSERT INTO ${this.#table} (code_hash, expires_at, record) VALUES ($1, $2, $3)`,
      [connectCodeHash(pending.connectCode), pending.expiresAt, sealPendingConnection(this.#sealer, pending)],
    );
  }

  /** @throws DomainError record_unreadable when the entry exists but cannot be opened (it is gone then) */
  async take(connectCode: string): Promise<PendingConnection | null> {
    const hash = connectCodeHash(connectCode);
    const { rows } = await this.#db.query<Row>(
      "take a held connection",
      `DELETE FROM ${this.#table} WHERE code_hash = $1 RETURNING code_hash, record`,
      [hash],
    );
    const row = rows[0];
    return row === undefined ? null : openPendingConnection(this.#sealer, hash, row.record);
  }

  async takeExpired(now: Date): Promise<PendingConnection[]> {
    const { rows } = await this.#db.query<Row>(
      "take expired held connections",
      `DELETE FROM ${this.#table} WHERE expires_at <= $1 RETURNING code_hash, record`,
      [now],
    );
    return openEach(this.#sealer, rows);
  }
}
