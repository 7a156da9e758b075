/**
 * The Calendar MCP server's `tools/list`: the newest (V3, 9 tools) schemas of the reference's
 * reconstruction, kept as data in `calendar-tools.json` so a schema change is a one-file edit.
 * Field names, required lists, annotations and titles are the reference's; no `outputSchema`
 * is published because none was captured.
 */

import catalogue from "./calendar-tools.json" with { type: "json" };

export interface JsonSchema {
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: string[];
  format?: string;
  deprecated?: boolean;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
}

export interface ToolDefinition {
  name: string;
  description: string;
  annotations: Record<string, unknown>;
  inputSchema: JsonSchema;
}

export type ToolName =
  | "list_calendars"
  | "list_events"
  | "get_event"
  | "search_events"
  | "suggest_time"
  | "create_event"
  | "update_event"
  | "delete_event"
  | "respond_to_event";

// The JSON module's inferred type is a union of literal shapes; the data is checked by the tests.
const data: { tools: unknown } = catalogue;
export const CALENDAR_TOOLS: readonly ToolDefinition[] = data.tools as ToolDefinition[];

export function findTool(name: unknown): (ToolDefinition & { name: ToolName }) | null {
  const tool = CALENDAR_TOOLS.find((candidate) => candidate.name === name);
  return tool === undefined ? null : (tool as ToolDefinition & { name: ToolName });
}
