import { describe, expect, test } from "bun:test";
import {
  InvalidWebhookSecretError,
  newWebhookSecret,
  parseWebhookSecrets,
  signWebhook,
} from "../../../src/adapters/webhooks/webhook-signature.ts";

describe("webhook signatures", () => {
  test("match the Standard Webhooks reference example", () => {
    const [secret] = parseWebhookSecrets("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    const signature = signWebhook(
      [secret as Uint8Array],
      "msg_p5jXN8AQM9LWM0D4loKWxJek",
      1614265330,
      '{"test": 2432232314}',
    );
    expect(signature).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  test("sign with every listed secret, space-separated, so a rotation keeps old receivers working", () => {
    const [a, b] = [newWebhookSecret(), newWebhookSecret()];
    const both = parseWebhookSecrets(` ${a} , ${b} `);
    const signature = signWebhook(both, "msg_1", 1700000000, "{}");
    const parts = signature.split(" ");
    expect(parts).toHaveLength(2);
    expect(parts[0]).toBe(signWebhook(parseWebhookSecrets(a), "msg_1", 1700000000, "{}"));
    expect(parts[1]).toBe(signWebhook(parseWebhookSecrets(b), "msg_1", 1700000000, "{}"));
  });

  test("refuse malformed secrets without echoing them", () => {
    for (const bad of ["", "secret", "whsec_", "whsec_***", `whsec_${btoa("short")}`]) {
      let caught: unknown;
      try {
        parseWebhookSecrets(bad);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InvalidWebhookSecretError);
      if (bad.length > 6) expect((caught as Error).message).not.toContain(bad);
    }
  });
});
