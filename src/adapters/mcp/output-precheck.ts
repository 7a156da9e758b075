import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { z } from "zod";

/**
 * A compiled check that may say "valid" only where the zod schema would: a fast first look at a
 * tool's structuredContent before the output-schema check. Checking a page of events with zod
 * costs several times what the same check compiled by Ajv from the schema's JSON Schema does,
 * because zod builds a copy of the whole answer that the output check throws away.
 *
 * The two agree only for plain shapes, so a precheck exists only for schemas made of objects,
 * arrays, strings, booleans, enums, literals, null, and their optional, nullable and union forms,
 * with no checks or refinements (which JSON Schema would drop or word differently). Numbers are
 * left out: JSON Schema takes Infinity and NaN, zod does not. Where the precheck is stricter than
 * zod (unknown keys are refused: the JSON Schema of an output forbids them, zod strips them), a
 * refusal only sends the value on to zod, whose answer (and error message) stays the one given.
 */
export type OutputPrecheck = (value: unknown) => boolean;

const PLAIN_LEAVES = new Set(["string", "boolean", "enum", "literal", "null"]);
const VALIDATOR = new AjvJsonSchemaValidator();

/** The precheck of `schema`, or null when its JSON Schema might accept what zod refuses. */
export function compileOutputPrecheck(schema: z.ZodType): OutputPrecheck | null {
  if (!isPlain(schema)) return null;
  let jsonSchema: z.core.JSONSchema.BaseSchema;
  try {
    jsonSchema = z.toJSONSchema(schema, { target: "draft-7", io: "output" });
  } catch {
    return null; // a literal JSON Schema cannot state (undefined, a bigint): zod alone checks it
  }
  const validate = VALIDATOR.getValidator(jsonSchema as Parameters<typeof VALIDATOR.getValidator>[0]);
  return (value) => validate(value).valid;
}

function isPlain(schema: z.core.$ZodType): boolean {
  const def = schema._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
  if ((def.checks?.length ?? 0) > 0) return false;
  if (PLAIN_LEAVES.has(def.type)) return true;
  switch (def.type) {
    case "object": {
      const { shape, catchall } = def as unknown as z.core.$ZodObjectDef;
      return catchall === undefined && Object.values(shape).every(isPlain);
    }
    case "array":
      return isPlain((def as unknown as z.core.$ZodArrayDef).element);
    case "optional":
    case "nullable":
      return isPlain((def as unknown as z.core.$ZodOptionalDef).innerType);
    case "union":
      return (def as unknown as z.core.$ZodUnionDef).options.every(isPlain);
    default:
      return false;
  }
}
