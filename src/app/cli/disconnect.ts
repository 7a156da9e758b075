import { type CliCommand, EXIT } from "./cli-command.ts";
import { withStore } from "./cli-context.ts";
import { customerIdArgument } from "./parse-args.ts";

export const disconnectCommand: CliCommand = {
  name: "disconnect",
  summary: "Revoke a customer's grant at Google and delete their stored tokens",
  positionals: ["customer_id"],
  options: { json: { type: "boolean", description: "Print JSON instead of text" } },
  description: `
Does what POST /oauth/disconnect does: revokes the grant at Google (GOOGLE_OAUTH_REVOKE_URL), then
deletes the stored connection, even when Google cannot be reached (the user can still remove the
app at https://myaccount.google.com/permissions). Safe to repeat; a customer with nothing stored
is a no-op. Runs beside a live server: a refresh in flight cannot write the record back.`,
  run: (args, io) => {
    const customerId = customerIdArgument(args.positionals[0]);
    return withStore(io, async ({ services }) => {
      const result = await services.disconnect.execute(customerId);
      if (args.values.json === true) {
        io.out(
          `${JSON.stringify({
            customer_id: customerId,
            revoked: result.revoked,
            deleted: result.deleted,
            ...(result.keptReason === undefined ? {} : { reason: result.keptReason }),
          })}\n`,
        );
      } else if (!result.deleted && !result.revoked) {
        io.out(`${customerId} has no stored connection; nothing to do.\n`);
      } else {
        const revoked = result.revoked ? "access revoked at Google, " : "";
        io.out(`Disconnected ${customerId}: ${revoked}stored tokens deleted.\n`);
      }
      if (result.keptReason !== undefined) {
        io.err("note: the Google grant was kept: another customer is connected to the same Google account\n");
      } else if (result.deleted && !result.revoked) {
        io.err(
          "warning: Google did not confirm the revocation (unreachable, or the record could not be opened); " +
            "the user can remove access at https://myaccount.google.com/permissions\n",
        );
      }
      return EXIT.ok;
    });
  },
};
