/**
 * What the HTTP surface's middleware puts on every request's context, for the apps mounted
 * under it (/mcp, /metrics) to read: the API key's non-secret id (api-key-auth.ts) and the
 * request id (request-log.ts).
 */
export type AppEnv = { Variables: { apiKeyId: string; requestId: string } };
