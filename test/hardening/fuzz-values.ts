import type { SeededRandom } from "./seeded-random.ts";

/** Hostile values and mutations of valid JSON, shared by the HTTP and MCP fuzzers. */

const PRINTABLE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._:@ ";
const UNICODE = [
  "é",
  "ñ",
  "日本",
  "\u202e",
  "\u200b",
  "\ufeff",
  "😀",
  "\ud83d",
  "\udc00",
  "e\u0301",
  "\u0000",
  "\u001f",
  "\u2028",
  "İ",
  "ß",
];

/** Customer ids meant to escape a path, a file name, a query or a record. */
const TRICKY_IDS = [
  "../",
  "../../etc/passwd",
  "..%2f..%2fetc%2fpasswd",
  "%2e%2e",
  "%2e%2e%2f",
  "%00",
  "user%00admin",
  "user\u0000admin",
  "\u0000",
  "..",
  ".",
  "",
  " ",
  "user 123",
  "user/123",
  "user\\123",
  "user?x=1",
  "user#frag",
  "user;rm -rf",
  "' OR 1=1 --",
  "<script>alert(1)</script>",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log-injection probe, meant literally
  "${jndi:ldap://x}",
  "CON",
  "-user",
  ".hidden",
  "user\n123",
  "user\r\nX-Injected: 1",
  "ユーザー",
  "usér",
  "😀",
  "__proto__",
  "constructor",
  "a".repeat(128),
  "a".repeat(129),
];

export function trickyCustomerId(random: SeededRandom, valid: readonly string[]): string {
  const roll = random.next();
  if (roll < 0.3) return random.pick(valid);
  if (roll < 0.65) return random.pick(TRICKY_IDS);
  if (roll < 0.72) return random.pick(["x", "a", "user-"]).repeat(random.int(129, 10_000));
  if (roll < 0.85) return randomString(random, random.int(1, 40));
  return `${random.pick(valid)}${random.pick(TRICKY_IDS)}`;
}

/**
 * An id that is not a string at all: objects whose toString/valueOf are not functions (String()
 * throws on them), an own `__proto__` key (as JSON.parse makes it), arrays that String() turns
 * into the very id they hold, numbers, booleans, null.
 */
export function nonStringId(random: SeededRandom, valid: readonly string[]): unknown {
  const id = random.pick(valid);
  return random.pick<unknown>([
    { toString: "x" },
    { valueOf: id },
    { toString: id, valueOf: id },
    { toString: { toString: id } },
    JSON.parse(`{"__proto__":{"toString":"x"}}`),
    JSON.parse(`{"__proto__":null}`),
    {},
    [id],
    [],
    [[id]],
    123,
    -0,
    1e308,
    true,
    null,
  ]);
}

/** A string mixing printable ASCII, unicode oddities, NUL and lone surrogates. */
export function randomString(random: SeededRandom, length: number): string {
  let out = "";
  while (out.length < length) {
    out += random.chance(0.8) ? random.string(1, PRINTABLE) : random.pick(UNICODE);
  }
  return out;
}

export function hugeString(random: SeededRandom): string {
  return random.pick(["x", "é", "😀", "\\", '"', "a\u0000"]).repeat(random.int(1_000, 30_000));
}

const ODD_TIMES = [
  "2026-02-30T10:00:00Z",
  "2026-13-01",
  "2026-01-01T25:61:61+01:00",
  "9999999-01-01",
  "0000-00-00",
  "-000001-01-01T00:00:00Z",
  "2026-01-01T10:00:00+99:00",
  "now",
  "tomorrow",
  "",
  "1e400",
  "2026-01-01T10:00",
  "2026-01-01",
  "2026-01-15T10:00:00.123456789Z",
  "2026-W03-1",
];

/** A JSON value of a random type, sometimes hostile. */
export function randomValue(random: SeededRandom, depth = 0): unknown {
  const kind = random.int(0, depth > 2 ? 8 : 10);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return random.chance(0.5);
    case 2:
      return random.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, 1e-300]);
    case 3:
      return randomString(random, random.int(0, 30));
    case 4:
      return String(random.pick([0, -1, 30, 1e21, 1.5]));
    case 5:
      return random.pick(ODD_TIMES);
    case 6:
      return random.pick(TRICKY_IDS);
    case 7:
      return random.chance(0.1) ? hugeString(random) : "primary";
    case 8:
      return [];
    case 9:
      return Array.from({ length: random.int(0, 4) }, () => randomValue(random, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = random.int(0, 4); i > 0; i -= 1)
        out[randomString(random, 6)] = randomValue(random, depth + 1);
      return out;
    }
  }
}

/**
 * A mutated copy of `value`: one to three edits at random places — drop a key, add one, swap a
 * value for another type, stringify a number, null it, wrap it in an array, replace an object
 * by an array.
 */
export function mutate(random: SeededRandom, value: unknown): unknown {
  let out = structuredClone(value);
  for (let edits = random.int(1, 3); edits > 0; edits -= 1) out = mutateOnce(random, out, 0);
  return out;
}

function mutateOnce(random: SeededRandom, value: unknown, depth: number): unknown {
  const container = typeof value === "object" && value !== null;
  // Descend into a child most of the time, so edits land deep as well as at the top.
  if (container && depth < 6 && random.chance(0.65)) {
    const keys = Object.keys(value);
    if (keys.length > 0) {
      const key = random.pick(keys);
      const target = value as Record<string, unknown>;
      target[key] = mutateOnce(random, target[key], depth + 1);
      return value;
    }
  }
  const edit = random.int(0, 8);
  if (container && !Array.isArray(value) && edit <= 2) {
    const target = value as Record<string, unknown>;
    const keys = Object.keys(target);
    if (edit === 0 && keys.length > 0) delete target[random.pick(keys)];
    else target[random.pick(["extra", "__proto__", "customer_id", "", "id"])] = randomValue(random);
    return target;
  }
  switch (edit) {
    case 3:
      return typeof value === "number" ? String(value) : randomValue(random);
    case 4:
      return null;
    case 5:
      return [value];
    case 6:
      return container ? Object.values(value) : { value };
    case 7:
      return typeof value === "string" ? value + randomString(random, random.int(1, 5)) : hugeString(random);
    default:
      return randomValue(random);
  }
}

/** 10,000 levels of arrays or objects, or a mix. */
export function deeplyNested(random: SeededRandom, levels = 10_000): string {
  const kind = random.int(0, 2);
  if (kind === 0) return `${"[".repeat(levels)}${"]".repeat(levels)}`;
  if (kind === 1) return `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
  return `${'[{"a":'.repeat(levels / 2)}1${"}]".repeat(levels / 2)}`;
}

/** Raw-text damage to a JSON document: the parser, not the schema, must refuse it. */
export function damageText(random: SeededRandom, text: string): string | Uint8Array {
  switch (random.int(0, 7)) {
    case 0:
      return text.slice(0, random.int(0, text.length));
    case 1: {
      // Invalid UTF-8: lone continuation bytes, overlong forms, a truncated sequence.
      const bytes = new TextEncoder().encode(text);
      const at = random.int(0, bytes.length);
      const bad = random.pick([
        [0xff],
        [0xc0, 0xaf],
        [0xed, 0xa0, 0x80],
        [0xe2, 0x82],
        [0x80, 0x80],
        [0xfe, 0xff],
      ]);
      return new Uint8Array([...bytes.subarray(0, at), ...bad, ...bytes.subarray(at)]);
    }
    case 2:
      // Duplicate keys: JSON.parse keeps the last, a validator may see either.
      return text.replace(/^\{/, '{"customer_id":"dup","jsonrpc":"1.0","id":{},');
    case 3:
      return `\ufeff${text}`;
    case 4:
      return `${text}${random.pick(["garbage", "}", "]", ",", "\u0000", "\n{}"])}`;
    case 5: {
      const at = random.int(0, text.length);
      return `${text.slice(0, at)}${random.pick(['"', "\\", "{", "]", "\u0000", "\\u00", ":"])}${text.slice(at)}`;
    }
    case 6:
      return random.pick(["", " ", "null", "true", "1", '""', "[]", "{}", "[{}]", "NaN", "undefined"]);
    default:
      return text.replaceAll('"', "'");
  }
}

/** Header values as the network could carry them (bytes 0x20–0xFF only, no CR/LF). */
export function oddHeaderValue(random: SeededRandom): string {
  return random.pick([
    "",
    " ",
    "x".repeat(random.int(1_000, 60_000)),
    "\u00ff\u00fe",
    "é",
    "a,b,c",
    ";;;",
    "=?utf-8?b?w6k=?=",
    "\t",
  ]);
}

/** Keep only characters a Headers object accepts (latin-1, no control characters but tab). */
export function headerSafe(value: string): string {
  let out = "";
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (code === 9 || (code >= 0x20 && code <= 0xff && code !== 0x7f)) out += char;
    else out += encodeURIComponent(char.toWellFormed());
  }
  return out.trim();
}
