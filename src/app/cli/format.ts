import type { ConnectionStatus } from "../../domain/connection.ts";
import type { CustomerId } from "../../domain/customer-id.ts";

/** A connection as the operator commands show it: never a token. */
export interface ConnectionRow {
  customer_id: string;
  state: "connected" | "reauthorization_required" | "oauth_client_changed" | "not_connected" | "unreadable";
  /** Which OAuth client issued the grant: the configured one, a previous one still honoured, or one no longer used. */
  oauth_client: "current" | "previous" | "changed" | null;
  email: string | null;
  /** Expiry of the stored access token (refreshed automatically when used). */
  token_expires_at: string | null;
  scopes: string[];
  connected_at: string | null;
}

export function rowOf(status: ConnectionStatus): ConnectionRow {
  return {
    customer_id: status.customerId,
    state: status.connected
      ? "connected"
      : status.reason === "not_connected" || status.reason === "oauth_client_changed"
        ? status.reason
        : "reauthorization_required",
    oauth_client: status.oauthClient,
    email: status.email,
    token_expires_at: status.expiresAt?.toISOString() ?? null,
    scopes: status.scopes,
    connected_at: status.connectedAt?.toISOString() ?? null,
  };
}

/** A record that exists but no configured key opens: listed, so the operator sees it. */
export function unreadableRow(customerId: CustomerId): ConnectionRow {
  return {
    customer_id: customerId,
    state: "unreadable",
    oauth_client: null,
    email: null,
    token_expires_at: null,
    scopes: [],
    connected_at: null,
  };
}

const STATE_TEXT: Record<ConnectionRow["state"], string> = {
  connected: "connected",
  reauthorization_required: "needs reauthorization",
  oauth_client_changed: "needs reconnecting (grant of an OAuth client no longer used)",
  not_connected: "not connected",
  unreadable: "unreadable (no configured key opens it)",
};

export function stateText(state: ConnectionRow["state"]): string {
  return STATE_TEXT[state];
}

/** Left-aligned columns separated by two spaces; `-` for empty cells. */
export function table(headers: string[], rows: Array<Array<string | null>>): string {
  const cells = [headers, ...rows.map((row) => row.map((cell) => cell ?? "-"))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? "").length)));
  return cells
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join("  "),
    )
    .join("\n")
    .concat("\n");
}

/** `label  value` lines, labels padded to one width. */
export function fields(entries: Array<[string, string | number]>): string {
  const width = Math.max(...entries.map(([label]) => label.length));
  return entries
    .map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)
    .join("\n")
    .concat("\n");
}

export async function collectIds(ids: AsyncIterable<CustomerId>): Promise<CustomerId[]> {
  const out: CustomerId[] = [];
  for await (const id of ids) out.push(id);
  return out.sort();
}
