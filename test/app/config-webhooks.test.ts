import { describe, expect, test } from "bun:test";
import { newWebhookSecret } from "../../src/adapters/webhooks/webhook-signature.ts";
import { ConfigError, loadConfig } from "../../src/app/config.ts";

const base = { GOOGLE_OAUTH_CLIENT_ID: "id", GOOGLE_OAUTH_CLIENT_SECRET: "secret" };

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ ...base, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error;
  }
  throw new Error("expected a ConfigError");
}

describe("webhook configuration", () => {
  test("off when unset or blank (as .env.example leaves it)", () => {
    expect(loadConfig(base).webhooks).toBeNull();
    expect(
      loadConfig({ ...base, CALENDAR_SERVER_WEBHOOK_URL: "", CALENDAR_SERVER_WEBHOOK_SECRET: "" }).webhooks,
    ).toBeNull();
  });

  test("URL, every secret of a rotation, maximum age and timeout", () => {
    const secrets = `${newWebhookSecret()},${newWebhookSecret()}`;
    const webhooks = loadConfig({
      ...base,
      CALENDAR_SERVER_WEBHOOK_URL: "https://backend.example.com/hooks",
      CALENDAR_SERVER_WEBHOOK_SECRET: secrets,
      CALENDAR_SERVER_WEBHOOK_MAX_AGE_HOURS: "2",
    }).webhooks;
    expect(webhooks?.url).toBe("https://backend.example.com/hooks");
    expect(webhooks?.secrets).toHaveLength(2);
    expect(webhooks?.maxAgeMs).toBe(2 * 3600 * 1000);
    expect(webhooks?.timeoutMs).toBe(10_000);
    expect(
      loadConfig({
        ...base,
        CALENDAR_SERVER_WEBHOOK_URL: "http://x/",
        CALENDAR_SERVER_WEBHOOK_SECRET: secrets,
      }).webhooks?.maxAgeMs,
    ).toBe(24 * 3600 * 1000);
  });

  test("half a configuration, a bad secret or an http URL in production stop start-up naming the variable", () => {
    const secret = newWebhookSecret();
    expect(configError({ CALENDAR_SERVER_WEBHOOK_URL: "https://b.example/h" }).variable).toBe(
      "CALENDAR_SERVER_WEBHOOK_SECRET",
    );
    expect(configError({ CALENDAR_SERVER_WEBHOOK_SECRET: secret }).variable).toBe(
      "CALENDAR_SERVER_WEBHOOK_URL",
    );
    const bad = configError({
      CALENDAR_SERVER_WEBHOOK_URL: "https://b.example/h",
      CALENDAR_SERVER_WEBHOOK_SECRET: "hunter2hunter2",
    });
    expect(bad.variable).toBe("CALENDAR_SERVER_WEBHOOK_SECRET");
    expect(bad.message).not.toContain("hunter2");
    expect(
      configError({
        CALENDAR_SERVER_WEBHOOK_URL: "ftp://b.example/h",
        CALENDAR_SERVER_WEBHOOK_SECRET: secret,
      }).variable,
    ).toBe("CALENDAR_SERVER_WEBHOOK_URL");
    const production = {
      NODE_ENV: "production",
      TOKEN_ENCRYPTION_KEY: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64"),
      CALENDAR_SERVER_API_KEYS: "k".repeat(32),
      CALENDAR_SERVER_BASE_URL: "https://calendar.example.com",
      CALENDAR_SERVER_WEBHOOK_SECRET: secret,
    };
    expect(
      configError({ ...production, CALENDAR_SERVER_WEBHOOK_URL: "http://backend.example.com/h" }).variable,
    ).toBe("CALENDAR_SERVER_WEBHOOK_URL");
    expect(
      loadConfig({ ...base, ...production, CALENDAR_SERVER_WEBHOOK_URL: "http://127.0.0.1:8080/h" }).webhooks
        ?.url,
    ).toBe("http://127.0.0.1:8080/h");
  });
});
