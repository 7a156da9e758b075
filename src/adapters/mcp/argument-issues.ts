import type { z } from "zod";
import { DomainError } from "../../domain/errors.ts";

/** One issue of a failed parse, through zod's public error type. */
type ZodIssue = z.ZodError["issues"][number];

/**
 * What is wrong with a tool's arguments, in words a model and a person can act on: every
 * unknown argument (with the one probably meant), and every schema failure said plainly
 * ("summary is required (a string)", not zod's "Invalid input: expected string, received
 * undefined").
 */
export interface ArgumentIssue {
  field: string;
  message: string;
}

/** Names models reach for that mean one of our arguments. */
const ALIASES: Record<string, string[]> = {
  time_zone: ["timezone", "tz", "zone"],
  time_min: ["start_date", "start_time", "from", "since", "after", "date_from", "min_time"],
  time_max: ["end_date", "end_time", "to", "until", "before", "date_to", "max_time"],
  start: ["new_start", "start_time", "start_date", "from", "begin"],
  end: ["new_end", "end_time", "end_date", "to", "until"],
  summary: ["title", "name", "subject", "new_summary", "new_title"],
  event_id: ["id", "eventid", "booking_id"],
  calendar_id: ["calendar", "calendarid"],
  calendar_ids: ["calendars"],
  duration_minutes: ["duration", "minutes", "length"],
  max_results: ["limit", "max", "count"],
  attendees: ["guests", "invitees", "participants"],
  description: ["details", "notes", "body"],
  location: ["place", "where", "address"],
  response: ["answer", "status", "response_status"],
};

/** customer_id is every tool's, and the caller layer consumes it: never unknown. */
const EVERY_TOOLS = "customer_id";

/** One issue for each argument the tool does not have. */
export function unknownArguments(input: z.ZodObject, args: Record<string, unknown>): ArgumentIssue[] {
  const known = Object.keys(input.shape);
  return Object.keys(args)
    .filter((name) => name !== EVERY_TOOLS && !known.includes(name))
    .map((name) => {
      const meant = likelyMeant(name, known);
      const hint = meant === null ? `; the arguments are ${known.join(", ")}` : `; did you mean ${meant}?`;
      return { field: name, message: `${name} is not an argument of this tool${hint}` };
    });
}

function likelyMeant(name: string, known: string[]): string | null {
  const plain = name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/-/g, "_");
  const squashed = (text: string): string => text.replace(/_/g, "");
  const exact = known.find((candidate) => squashed(candidate) === squashed(plain));
  if (exact !== undefined) return exact;
  const aliased = known.find((candidate) => ALIASES[candidate]?.includes(plain));
  if (aliased !== undefined) return aliased;
  let best: { name: string; distance: number } | null = null;
  for (const candidate of known) {
    const distance = editDistance(plain, candidate);
    if (
      distance <= Math.max(1, Math.floor(candidate.length / 4)) &&
      (best === null || distance < best.distance)
    ) {
      best = { name: candidate, distance };
    }
  }
  return best?.name ?? null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** A zod issue said plainly; `args` gives the value that was at fault. */
export function readableIssue(issue: ZodIssue, args: Record<string, unknown>): ArgumentIssue {
  const field = issue.path.length === 0 ? "arguments" : fieldName(issue.path);
  return { field, message: `${field} ${complaint(issue, valueAt(args, issue.path))}` };
}

function complaint(issue: ZodIssue, value: unknown): string {
  switch (issue.code) {
    case "invalid_type":
      return value === undefined
        ? `is required (${withArticle(issue.expected)})`
        : `must be ${withArticle(issue.expected)}, not ${withArticle(kindOf(value))}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((allowed) => JSON.stringify(allowed)).join(", ")}`;
    case "too_small":
      return `must be ${bound("at least", issue.minimum, issue.origin)}`;
    case "too_big":
      return `must be ${bound("at most", issue.maximum, issue.origin)}`;
    case "unrecognized_keys":
      return `does not take ${issue.keys.join(", ")}`;
    case "invalid_format":
      return `must be a valid ${issue.format}`;
    default:
      return "is not valid";
  }
}

function bound(words: string, limit: number | bigint, origin: string): string {
  if (origin === "string") return `${words} ${limit} characters long`;
  if (origin === "array" || origin === "set") return `${words} ${limit} items long`;
  return `${words} ${limit}`;
}

function withArticle(kind: string): string {
  if (kind === "null" || kind === "undefined") return kind;
  const noun = kind === "int" ? "integer" : kind;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number" && !Number.isInteger(value)) return "number with a fraction";
  return typeof value;
}

/** "attendees[0].email", as the arguments are written. */
function fieldName(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === "number" ? `[${part}]` : `${index === 0 ? "" : "."}${String(part)}`,
    )
    .join("");
}

function valueAt(args: unknown, path: readonly PropertyKey[]): unknown {
  let value = args;
  for (const part of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

/** The one error for arguments at fault: invalid_argument naming every one. */
export function invalidArguments(toolName: string, issues: ArgumentIssue[]): DomainError {
  const listed = issues.map((issue) => issue.message).join("; ");
  return new DomainError("invalid_argument", `Invalid arguments for ${toolName}: ${listed}`, {
    details: { field: issues[0]?.field ?? "arguments", issues },
  });
}
