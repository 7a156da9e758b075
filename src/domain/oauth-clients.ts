/**
 * Which OAuth client a stored grant came from, against the client this server is configured
 * with. Google binds a refresh token to the client that obtained it, and its Calendar MCP server
 * accepts only clients created for AI agents, so an operator who switches clients must know
 * which customers still hold a grant of the old one, and those grants must not be used where
 * Google would refuse them.
 */

export interface OAuthClients {
  /** The configured client: new grants are issued to it. */
  current: string;
  /** Earlier clients whose grants may still be refreshed and used (a migration window). */
  stillUsable: readonly string[];
}

export type ClientStanding =
  /** Issued to the configured client (or recorded before clients were recorded). */
  | "current"
  /** Issued to an earlier client that is still honoured during the migration window. */
  | "previous"
  /** Issued to a client this server no longer uses: the user must reconnect. */
  | "changed";

export function clientStanding(issuedTo: string | null, clients: OAuthClients): ClientStanding {
  if (issuedTo === null || issuedTo === clients.current) return "current";
  return clients.stillUsable.includes(issuedTo) ? "previous" : "changed";
}

/** The reason a connection gives when its grant came from a client that is no longer used. */
export const OAUTH_CLIENT_CHANGED = "oauth_client_changed";
