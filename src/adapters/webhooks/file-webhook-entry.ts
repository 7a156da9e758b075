import type { WebhookSummary } from "./webhook-outbox.ts";

/** One file: the schedule in clear, the body sealed (base64). */
export interface Entry {
  summary: WebhookSummary;
  leaseOwner: string | null;
  leaseUntil: number | null;
  record: string;
}

/** Dates come back from JSON as text. */
export function parseEntry(text: string): Entry {
  return entryFromJson(JSON.parse(text));
}

/** An entry as JSON.parse gave it back. */
export function entryFromJson(parsed: unknown): Entry {
  const raw = parsed as Entry & { summary: Record<string, unknown> };
  const date = (value: unknown): Date => new Date(value as string);
  const summary = raw.summary;
  return {
    ...raw,
    summary: {
      ...(summary as unknown as WebhookSummary),
      createdAt: date(summary.createdAt),
      nextAttemptAt: date(summary.nextAttemptAt),
      expiresAt: date(summary.expiresAt),
      deliveredAt: summary.deliveredAt == null ? null : date(summary.deliveredAt),
    },
  };
}
