/**
 * Checks a `tools/call`'s `arguments` against the tool's published input schema the way
 * Google's proto-JSON front end reads a request: field names in lowerCamelCase or in the
 * proto's snake_case, unknown names refused, types and enums enforced, required fields present.
 * What comes back uses the camelCase names only.
 */

import { isObject } from "../calendar/event-input.ts";
import { toolFailures } from "./mcp-errors.ts";
import type { JsonSchema, ToolDefinition } from "./tool-catalog.ts";

export type ToolArguments = Record<string, unknown>;

const camel = (name: string): string => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function unknownName(name: string): Error {
  return toolFailures.invalidArgument(
    `Invalid JSON payload received. Unknown name "${name}": Cannot find field.`,
  );
}

function invalidValue(path: string, value: unknown): Error {
  return toolFailures.invalidArgument(
    `Invalid value at '${path}' (${typeof value}), ${JSON.stringify(value) ?? "undefined"}`,
  );
}

function resolve(schema: JsonSchema, defs: Record<string, JsonSchema>): JsonSchema {
  const name = schema.$ref?.replace("#/$defs/", "");
  return name === undefined ? schema : (defs[name] ?? {});
}

function readValue(
  schema: JsonSchema,
  value: unknown,
  path: string,
  defs: Record<string, JsonSchema>,
): unknown {
  const target = resolve(schema, defs);
  switch (target.type) {
    case "string":
      if (typeof value !== "string") throw invalidValue(path, value);
      if (target.enum !== undefined && !target.enum.includes(value)) throw invalidValue(path, value);
      return value;
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value) || Math.abs(value) > 2 ** 31 - 1)
        throw invalidValue(path, value);
      return value;
    case "boolean":
      if (typeof value !== "boolean") throw invalidValue(path, value);
      return value;
    case "array":
      if (!Array.isArray(value)) throw invalidValue(path, value);
      return value.map((item, index) => readValue(target.items ?? {}, item, `${path}[${index}]`, defs));
    case "object":
      if (!isObject(value)) throw invalidValue(path, value);
      return readObject(target, value, path, defs);
    default:
      return value;
  }
}

function readObject(
  schema: JsonSchema,
  value: Record<string, unknown>,
  path: string,
  defs: Record<string, JsonSchema>,
): ToolArguments {
  const properties = schema.properties ?? {};
  const out: ToolArguments = {};
  for (const [rawName, item] of Object.entries(value)) {
    const name = camel(rawName);
    const property = properties[name];
    if (property === undefined) throw unknownName(rawName);
    // Proto JSON reads null as "not set".
    if (item === null) continue;
    out[name] = readValue(property, item, path === "" ? name : `${path}.${name}`, defs);
  }
  for (const name of schema.required ?? []) {
    if (out[name] === undefined || out[name] === "") {
      throw toolFailures.invalidArgument(`Missing required field: ${path === "" ? name : `${path}.${name}`}`);
    }
  }
  return out;
}

/** The validated, camelCase arguments of a call to `tool`. Throws a ToolFailure otherwise. */
export function readToolArguments(tool: ToolDefinition, raw: unknown): ToolArguments {
  if (raw !== undefined && raw !== null && !isObject(raw)) {
    throw toolFailures.invalidArgument("Invalid JSON payload received. Arguments must be an object.");
  }
  return readObject(tool.inputSchema, raw ?? {}, "", tool.inputSchema.$defs ?? {});
}
