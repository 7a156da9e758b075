import { isDomainError } from "../../domain/errors.ts";
import { type CliCommand, EXIT } from "./cli-command.ts";
import { withStore } from "./cli-context.ts";
import { type ConnectionRow, collectIds, rowOf, stateText, table, unreadableRow } from "./format.ts";

export const listCommand: CliCommand = {
  name: "list",
  summary: "List connected customers: state, Google account, token expiry (no secrets)",
  positionals: [],
  options: { json: { type: "boolean", description: "Print a JSON array instead of a table" } },
  description: `
One line per stored connection, sorted by customer id: connected, needs reauthorization (Google
revoked or expired the grant; the user must connect again), or unreadable (no configured key opens
the record). Token expiry is the current access token's; the server refreshes it when it is used.`,
  run: (args, io) =>
    withStore(io, async ({ storage, services }) => {
      const rows: ConnectionRow[] = [];
      for (const id of await collectIds(storage.vault.listCustomerIds())) {
        try {
          const row = rowOf(await services.status.execute(id));
          // Deleted between listing and reading.
          if (row.state !== "not_connected") rows.push(row);
        } catch (error) {
          if (!isDomainError(error, "record_unreadable")) throw error;
          rows.push(unreadableRow(id));
        }
      }
      if (args.values.json === true) {
        io.out(`${JSON.stringify(rows, null, 2)}\n`);
        return EXIT.ok;
      }
      if (rows.length === 0) {
        io.out("No stored connections.\n");
        return EXIT.ok;
      }
      io.out(
        table(
          ["CUSTOMER", "STATE", "EMAIL", "TOKEN EXPIRES"],
          rows.map((row) => [row.customer_id, stateText(row.state), row.email, row.token_expires_at]),
        ),
      );
      io.out(clientSwitchSummary(rows));
      return EXIT.ok;
    }),
};

/** During an OAuth client switch: how many customers are left to reconnect (empty otherwise). */
function clientSwitchSummary(rows: ConnectionRow[]): string {
  const previous = rows.filter((row) => row.oauth_client === "previous").length;
  const changed = rows.filter((row) => row.oauth_client === "changed").length;
  if (previous === 0 && changed === 0) return "";
  return (
    `\nOAuth client switch: ${previous + changed} of ${rows.length} customers still hold a grant of an ` +
    `earlier client (${previous} still working through GOOGLE_OAUTH_PREVIOUS_CLIENTS, ${changed} must reconnect).\n`
  );
}
