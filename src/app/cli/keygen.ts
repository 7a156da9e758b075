import { generateEncryptionKey } from "../../adapters/vault/encryption-keys.ts";
import { type CliCommand, EXIT } from "./cli-command.ts";

export const keygenCommand: CliCommand = {
  name: "keygen",
  summary: "Print a new random 32-byte encryption key (base64)",
  positionals: [],
  options: {},
  description: `
Prints a fresh key for TOKEN_ENCRYPTION_KEY on stdout, and nothing else, so it can be captured:
  TOKEN_ENCRYPTION_KEY=$(bun run --silent cli keygen)
This is the only command that prints a secret. Keep the key in a secret store, not in the image.

To rotate keys: put the current key in TOKEN_ENCRYPTION_PREVIOUS_KEYS, set the new key as
TOKEN_ENCRYPTION_KEY, restart the server, then run 'rotate-key'.`,
  run: async (_args, io) => {
    io.out(`${generateEncryptionKey()}\n`);
    return EXIT.ok;
  },
};
