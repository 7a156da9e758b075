import { z } from "zod";
import { InvalidWebhookSecretError, parseWebhookSecrets } from "../adapters/webhooks/webhook-signature.ts";

export interface WebhookConfig {
  url: string;
  /** Every current secret signs each webhook (rotation). */
  secrets: Uint8Array[];
  /** Undelivered after this long: dead-lettered. */
  maxAgeMs: number;
  /** Per delivery attempt. */
  timeoutMs: number;
}

// Empty counts as unset: .env.example leaves these blank.
const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

/** The environment variables of webhooks and change tracking, merged into config.ts's schema. */
export const WEBHOOK_VARIABLES = {
  CALENDAR_SERVER_WEBHOOK_URL: optionalText.refine(
    (value) => value === undefined || (URL.canParse(value) && /^https?:$/.test(new URL(value).protocol)),
    "must be an absolute http:// or https:// URL",
  ),
  CALENDAR_SERVER_WEBHOOK_SECRET: optionalText,
  CALENDAR_SERVER_WEBHOOK_MAX_AGE_HOURS: z.coerce
    .number()
    .min(0.01)
    .max(24 * 30)
    .default(24),
  CALENDAR_SERVER_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  // 0: Google pushes changes (events.watch). Polling costs a read per customer per period.
  GOOGLE_CHANGE_POLL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(0),
};

type WebhookValues = z.infer<z.ZodObject<typeof WEBHOOK_VARIABLES>>;

/**
 * Both variables or neither: a URL without a secret would send unsigned webhooks.
 * @param fail throws the caller's configuration error naming the variable
 */
export function webhookConfig(
  e: WebhookValues,
  fail: (variable: string, problem: string) => never,
): WebhookConfig | null {
  const url = e.CALENDAR_SERVER_WEBHOOK_URL;
  const secret = e.CALENDAR_SERVER_WEBHOOK_SECRET;
  if (url === undefined && secret === undefined) return null;
  if (url === undefined) {
    return fail("CALENDAR_SERVER_WEBHOOK_URL", "is required when CALENDAR_SERVER_WEBHOOK_SECRET is set");
  }
  if (secret === undefined) {
    return fail(
      "CALENDAR_SERVER_WEBHOOK_SECRET",
      "is required when CALENDAR_SERVER_WEBHOOK_URL is set (whsec_ followed by base64; several comma-separated while rotating)",
    );
  }
  let secrets: Uint8Array[];
  try {
    secrets = parseWebhookSecrets(secret);
  } catch (error) {
    const reason = error instanceof InvalidWebhookSecretError ? error.message : "cannot be decoded";
    return fail("CALENDAR_SERVER_WEBHOOK_SECRET", `${reason} (expected whsec_ followed by base64)`);
  }
  return {
    url,
    secrets,
    maxAgeMs: Math.round(e.CALENDAR_SERVER_WEBHOOK_MAX_AGE_HOURS * 3600 * 1000),
    timeoutMs: e.CALENDAR_SERVER_WEBHOOK_TIMEOUT_MS,
  };
}
