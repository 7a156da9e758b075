/** What `bun start` prints in sandbox mode: where everything is, and one command to try. */
export function sandboxBanner(info: {
  url: string;
  emulatorUrl: string;
  apiKey: string | null;
  dataDir: string;
  /** GOOGLE_CALENDAR_BACKEND: which of the emulator's Calendar endpoints the server calls. */
  backend?: "rest" | "mcp";
}): string {
  const key = info.apiKey ?? "<one of CALENDAR_SERVER_API_KEYS>";
  return `
  ┌──────────────────────────────────────────────────────────────────────┐
  │  MCP Calendar Server — SANDBOX MODE (no Google credentials set)       │
  └──────────────────────────────────────────────────────────────────────┘
  Google is emulated locally; nothing here talks to the real Google.

  Server          ${info.url}
  MCP endpoint    ${info.url}/mcp
  Google emulator ${info.emulatorUrl}   (consent page: ${info.emulatorUrl}/o/oauth2/v2/auth)
                  Calendar MCP (as calendarmcp.googleapis.com): ${info.emulatorUrl}/mcp/v1
  Calendar backend ${info.backend ?? "rest"}   (GOOGLE_CALENDAR_BACKEND=rest|mcp)
  API key         ${key}${info.apiKey === null ? "" : `   (kept in ${info.dataDir}/dev-api-key)`}
  Data folder     ${info.dataDir}   (tokens, keys, and where the emulator listens: sandbox.json)

  Try it — get an authorization URL for customer user-123, open it in a browser:
    curl -s -X POST ${info.url}/oauth/authorize \\
      -H 'Authorization: Bearer ${key}' -H 'Content-Type: application/json' \\
      -d '{"customer_id":"user-123"}'

  Set GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET to use the real Google.

`;
}
