import { type CliCommand, EXIT } from "./cli-command.ts";
import { withStore } from "./cli-context.ts";
import { fields, rowOf, stateText } from "./format.ts";
import { customerIdArgument } from "./parse-args.ts";

export const statusCommand: CliCommand = {
  name: "status",
  summary: "Show one customer's connection (no secrets)",
  positionals: ["customer_id"],
  options: { json: { type: "boolean", description: "Print JSON instead of text" } },
  description: `
Shows whether the customer's Google Calendar is connected, which Google account, the granted scopes,
and when the current access token expires (the server refreshes it when it is used). A customer
with nothing stored is reported as not connected (exit status 0). Exit status 1 when the stored
record cannot be opened with the configured keys.`,
  run: (args, io) => {
    const customerId = customerIdArgument(args.positionals[0]);
    return withStore(io, async ({ services }) => {
      const row = rowOf(await services.status.execute(customerId));
      if (args.values.json === true) {
        io.out(`${JSON.stringify(row, null, 2)}\n`);
        return EXIT.ok;
      }
      io.out(
        fields([
          ["customer", row.customer_id],
          ["state", stateText(row.state)],
          ["email", row.email ?? "-"],
          ["token expires", row.token_expires_at ?? "-"],
          ["scopes", row.scopes.length > 0 ? row.scopes.join(" ") : "-"],
          ["connected at", row.connected_at ?? "-"],
        ]),
      );
      return EXIT.ok;
    });
  },
};
