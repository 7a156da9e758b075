import type { SendUpdates } from "../calendar.ts";
import { DomainError } from "../errors.ts";
import { canonicalTimeZone } from "../zoned-time.ts";

/**
 * Checks shared by the Calendar services; each throws DomainError invalid_argument naming the
 * field by its path in the service's command (`calendarIds[2]`, `workingHours.start`): a surface
 * that calls the field something else says so in its own words (the MCP error mapper does).
 */

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SEND_UPDATES: readonly SendUpdates[] = ["all", "externalOnly", "none"];
const RECURRENCE_LINE = /^(RRULE|EXRULE|RDATE|EXDATE)[:;]/;

export function invalidArgument(field: string, problem: string): DomainError {
  return new DomainError("invalid_argument", `${field} ${problem}`, { details: { field } });
}

/** Google's alias "primary" when absent. */
export function calendarIdOf(value: string | undefined, field = "calendarId"): string {
  if (value === undefined) return "primary";
  return requiredText(field, value, 1024);
}

export function requiredText(field: string, value: string, maxLength: number): string {
  const text = typeof value === "string" ? value.trim() : "";
  if (text === "") throw invalidArgument(field, "must not be empty");
  if (text.length > maxLength) throw invalidArgument(field, `must be at most ${maxLength} characters`);
  return text;
}

export function optionalText(
  field: string,
  value: string | undefined,
  maxLength: number,
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw invalidArgument(field, "must be a string");
  if (value.length > maxLength) throw invalidArgument(field, `must be at most ${maxLength} characters`);
  return value;
}

/** The canonical IANA name, or undefined when absent. */
export function timeZoneOf(value: string | undefined, field = "timeZone"): string | undefined {
  return value === undefined ? undefined : canonicalTimeZone(value, field);
}

export function sendUpdatesOf(value: string | undefined): SendUpdates | undefined {
  if (value === undefined) return undefined;
  if (!SEND_UPDATES.includes(value as SendUpdates)) {
    throw invalidArgument("sendUpdates", `must be one of ${SEND_UPDATES.join(", ")}`);
  }
  return value as SendUpdates;
}

export function attendeesOf(
  value: { email: string; optional?: boolean }[] | undefined,
): { email: string; optional?: boolean }[] | undefined {
  if (value === undefined) return undefined;
  const seen = new Set<string>();
  return value.map((attendee, index) => {
    const email = typeof attendee?.email === "string" ? attendee.email.trim() : "";
    if (!EMAIL.test(email)) throw invalidArgument(`attendees[${index}].email`, `is not an email address`);
    if (seen.has(email.toLowerCase())) throw invalidArgument(`attendees[${index}].email`, `repeats ${email}`);
    seen.add(email.toLowerCase());
    return attendee.optional === undefined ? { email } : { email, optional: attendee.optional };
  });
}

/** RFC 5545 lines as Google takes them: "RRULE:FREQ=WEEKLY;COUNT=5", "EXDATE;…". */
export function recurrenceOf(value: string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value.map((line, index) => {
    const text = typeof line === "string" ? line.trim() : "";
    if (!RECURRENCE_LINE.test(text)) {
      throw invalidArgument(
        `recurrence[${index}]`,
        'must be an RFC 5545 line starting with RRULE:, EXRULE:, RDATE or EXDATE (e.g. "RRULE:FREQ=WEEKLY;COUNT=4")',
      );
    }
    return text;
  });
}

export function integerIn(
  field: string,
  value: number | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidArgument(field, `must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/** `{ [name]: value }` when value is defined, else `{}`: keeps absent fields absent. */
export function optional<K extends string, V>(name: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [name]: value }) as { [P in K]?: V };
}
