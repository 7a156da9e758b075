import type { RecordPurpose } from "./record-sealer.ts";
import type { ResealOutcome } from "./resealable-vault.ts";

/**
 * One kind of sealed record, as key rotation (`rotate-key`) walks it: list the keys, then reseal
 * record by record. Each reseal is atomic and never overwrites a write made meanwhile, so the walk
 * is safe beside a serving server, and may be interrupted and run again at any time.
 */
export interface ResealableRecords {
  /** Every stored record's key (a customer id, a webhook id or a hash: never a secret). */
  keys(): AsyncIterable<string>;
  /**
   * Seal the record under the current key unless it already is.
   * @throws DomainError record_unreadable (no held key opens it), storage_unavailable
   */
  reseal(key: string): Promise<ResealOutcome>;
}

/**
 * The SQL tables (SQLite and PostgreSQL alike) of long-lived sealed records besides connections,
 * each record in `record`, bound to its key column.
 */
export const SEALED_TABLES = {
  idempotency_records: { key: "record_id", purpose: "idempotency_record" },
  webhook_outbox: { key: "id", purpose: "webhook" },
  tracked_calendars: { key: "customer_id", purpose: "tracked_calendar" },
} as const satisfies Record<string, { key: string; purpose: RecordPurpose }>;

export type SealedTable = keyof typeof SEALED_TABLES;
