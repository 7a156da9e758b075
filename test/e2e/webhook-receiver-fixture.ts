import { createHmac, timingSafeEqual } from "node:crypto";

/** A webhook as the receiver got it, signature already checked. */
export interface ReceivedWebhook {
  id: string;
  timestamp: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests walk the JSON body freely
  body: any;
  /** Whether one of the `v1,` signatures verified with the receiver's secret. */
  verified: boolean;
}

export type ReceiverMode = "ok" | "down" | "hang";

export interface TestReceiver {
  url: string;
  /** Accepted webhooks (2xx answered), in arrival order. */
  accepted: ReceivedWebhook[];
  /** Every attempt, answered or not. */
  attempts: string[];
  mode: ReceiverMode;
  /** Wait until `count` webhooks matching `match` were accepted. */
  waitFor(
    match: (webhook: ReceivedWebhook) => boolean,
    count?: number,
    timeoutMs?: number,
  ): Promise<ReceivedWebhook[]>;
  stop(): void;
}

/** Verify like a backend would: any `v1,` signature made with the secret, over "{id}.{ts}.{body}". */
export function verifySignature(
  secret: string,
  id: string,
  timestamp: string,
  body: string,
  header: string,
): boolean {
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest();
  return header.split(" ").some((part) => {
    const [version, value] = part.split(",");
    if (version !== "v1" || value === undefined) return false;
    const given = Buffer.from(value, "base64");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** The AI backend's webhook endpoint: "down" answers 503, "hang" never answers. */
export function startReceiver(secret: string, port = 0): TestReceiver {
  const receiver: TestReceiver = {
    url: "",
    accepted: [],
    attempts: [],
    mode: "ok",
    waitFor: async (match, count = 1, timeoutMs = 15_000) => {
      const started = Date.now();
      for (;;) {
        const found = receiver.accepted.filter(match);
        if (found.length >= count) return found;
        if (Date.now() - started > timeoutMs) {
          throw new Error(
            `waited ${timeoutMs} ms for ${count} webhook(s); got ${JSON.stringify(receiver.accepted.map((w) => w.body?.type))}`,
          );
        }
        await Bun.sleep(25);
      }
    },
    stop: () => server.stop(true),
  };
  const server = Bun.serve({
    port,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    fetch: async (request) => {
      const id = request.headers.get("webhook-id") ?? "";
      receiver.attempts.push(id);
      if (receiver.mode === "hang") return new Promise<Response>(() => undefined);
      if (receiver.mode === "down") return new Response("unavailable", { status: 503 });
      const text = await request.text();
      const timestamp = request.headers.get("webhook-timestamp") ?? "";
      receiver.accepted.push({
        id,
        timestamp: Number(timestamp),
        body: JSON.parse(text),
        verified: verifySignature(
          secret,
          id,
          timestamp,
          text,
          request.headers.get("webhook-signature") ?? "",
        ),
      });
      return new Response(null, { status: 204 });
    },
  });
  receiver.url = `http://127.0.0.1:${server.port}/webhooks`;
  return receiver;
}
