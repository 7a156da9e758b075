import { createHmac } from "node:crypto";

const PREFIX = "whsec_";

export class InvalidWebhookSecretError extends Error {
  constructor(problem: string) {
    super(problem);
    this.name = "InvalidWebhookSecretError";
  }
}

/**
 * `whsec_<base64>` secrets, comma-separated: every one listed signs, so during a rotation the
 * receiver may hold either the old or the new one.
 * @throws InvalidWebhookSecretError naming the problem, never the secret
 */
export function parseWebhookSecrets(text: string): Uint8Array[] {
  const items = text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  if (items.length === 0) throw new InvalidWebhookSecretError("no secret given");
  return items.map((item, index) => {
    if (!item.startsWith(PREFIX)) {
      throw new InvalidWebhookSecretError(`secret ${index + 1} must start with ${PREFIX}`);
    }
    const encoded = item.slice(PREFIX.length);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
      throw new InvalidWebhookSecretError(`secret ${index + 1} is not base64 after ${PREFIX}`);
    }
    const bytes = Uint8Array.from(Buffer.from(encoded, "base64"));
    // Standard Webhooks: between 24 and 64 bytes.
    if (bytes.length < 24 || bytes.length > 64) {
      throw new InvalidWebhookSecretError(`secret ${index + 1} must decode to 24-64 bytes`);
    }
    return bytes;
  });
}

/** A fresh secret in the `whsec_` form (32 random bytes). */
export function newWebhookSecret(): string {
  return `${PREFIX}${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64")}`;
}

/**
 * The `webhook-signature` header: `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` for each
 * secret, space-separated, as Standard Webhooks specifies.
 */
export function signWebhook(
  secrets: readonly Uint8Array[],
  id: string,
  timestamp: number,
  body: string,
): string {
  const content = `${id}.${timestamp}.${body}`;
  return secrets
    .map((secret) => `v1,${createHmac("sha256", secret).update(content).digest("base64")}`)
    .join(" ");
}
