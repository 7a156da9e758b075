/**
 * Who may reach /mcp from a browser, and by which name: the one DNS-rebinding check (MCP spec,
 * transports "Security Warning"). A configured origin is always allowed. A server whose base URL
 * is on loopback also accepts the loopback names (localhost, 127.0.0.1, [::1], any port) without
 * configuration, and, since a rebinding page reaches it under a foreign name, refuses any other
 * Host. A public server's Host is its proxy's business; its Origin check stands.
 */
export interface OriginPolicy {
  /** Null when the request may pass; otherwise why not, for the 403. */
  refusal(host: string | undefined, origin: string | undefined): string | null;
}

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

export function originPolicy(baseUrl: string | undefined, allowedOrigins: readonly string[]): OriginPolicy {
  const allowed = new Set(allowedOrigins);
  const loopback = baseUrl !== undefined && isLoopbackUrl(baseUrl);
  return {
    refusal(host, origin) {
      if (loopback && host !== undefined && !isLoopbackHost(host)) {
        return "Forbidden: this server answers only to localhost, 127.0.0.1 or [::1] in the Host header";
      }
      if (origin === undefined || allowed.has(origin)) return null;
      if (loopback && isLoopbackUrl(origin)) return null;
      return "Forbidden: this Origin may not call the MCP endpoint";
    },
  };
}

function isLoopbackUrl(value: string): boolean {
  try {
    return LOOPBACK_NAMES.has(new URL(value).hostname.toLowerCase());
  } catch {
    return false;
  }
}

/** A Host header (name and optional port) naming loopback. */
function isLoopbackHost(host: string): boolean {
  return isLoopbackUrl(`http://${host}`);
}
