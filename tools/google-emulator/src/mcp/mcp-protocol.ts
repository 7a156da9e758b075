/**
 * MCP protocol versions the emulated server speaks, and what differs between them: the
 * 2025 revisions negotiate in `initialize`; 2026-07-28 is stateless, carries the version and
 * the client's capabilities in every request's `_meta`, answers `server/discover`, and marks
 * results with `resultType`.
 */

import { isObject } from "../calendar/event-input.ts";

/** Newest first; an unknown version asked in `initialize` is answered with the newest. */
export const MCP_PROTOCOL_VERSIONS = ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"];
export const STATELESS_VERSION = "2026-07-28";
const VERSION_META = "io.modelcontextprotocol/protocolVersion";
const CAPABILITIES_META = "io.modelcontextprotocol/clientCapabilities";
const SERVER_INFO = { name: "StatelessServer", version: "1.0.0" };
const CAPABILITIES = { tools: { listChanged: false } };

/** The version a request declares: `_meta` (2026-07-28) first, then the HTTP header. */
export function declaredVersion(params: Record<string, unknown>, header: string | undefined): string | null {
  const meta = params._meta;
  if (isObject(meta) && typeof meta[VERSION_META] === "string") return meta[VERSION_META];
  return header ?? null;
}

/** UnsupportedProtocolVersionError of 2026-07-28 (HTTP 400), also used for a bad header. */
export function unsupportedVersion(requested: string): { code: number; message: string; data: unknown } {
  return {
    code: -32022,
    message: `Unsupported protocol version: ${requested}`,
    data: { requested, supported: MCP_PROTOCOL_VERSIONS },
  };
}

/** Per-request client capabilities; absent means "assume form elicitation" (the brief's rule). */
export function canElicit(params: Record<string, unknown>): boolean {
  const meta = params._meta;
  if (!isObject(meta) || !(CAPABILITIES_META in meta)) return true;
  const capabilities = meta[CAPABILITIES_META];
  const elicitation = isObject(capabilities) ? capabilities.elicitation : undefined;
  return isObject(elicitation) && (!("url" in elicitation) || "form" in elicitation);
}

export function initializeResult(params: Record<string, unknown>): Record<string, unknown> {
  const requested = params.protocolVersion;
  const protocolVersion =
    typeof requested === "string" && MCP_PROTOCOL_VERSIONS.includes(requested)
      ? requested
      : MCP_PROTOCOL_VERSIONS[0];
  return { protocolVersion, capabilities: CAPABILITIES, serverInfo: SERVER_INFO };
}

export function discoverResult(): Record<string, unknown> {
  return {
    resultType: "complete",
    supportedVersions: MCP_PROTOCOL_VERSIONS,
    capabilities: CAPABILITIES,
    serverInfo: SERVER_INFO,
  };
}
