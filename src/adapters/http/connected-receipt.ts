import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The success page survives a reload: after a consent the browser is sent (303) to
 * `callback?connected=<receipt>`, a short-lived signed note of which account was connected. The
 * code and state are gone from the address bar, so a reload (or the back button) shows the same
 * page instead of "This link is no longer valid"; nothing is looked up, so any instance can show
 * it. The receipt names only the Google account's email, which the page shows anyway.
 */
export class ConnectedReceipts {
  readonly #key: Uint8Array;
  readonly #ttlMs: number;

  /** `key`: 32+ bytes, the same on every instance (derived from the token encryption key). */
  constructor(key: Uint8Array, ttlMs = 60 * 60 * 1000) {
    this.#key = key;
    this.#ttlMs = ttlMs;
  }

  issue(email: string | null, now: number): string {
    const payload = Buffer.from(JSON.stringify({ e: email, x: now + this.#ttlMs })).toString("base64url");
    return `${payload}.${this.#sign(payload)}`;
  }

  /** The account a valid, unexpired receipt names (null when Google gave none), or undefined. */
  read(receipt: string, now: number): { email: string | null } | undefined {
    const [payload, signature, extra] = receipt.split(".");
    if (payload === undefined || signature === undefined || extra !== undefined) return undefined;
    const expected = Buffer.from(this.#sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const body = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
        e?: unknown;
        x?: unknown;
      };
      if (typeof body.x !== "number" || body.x <= now) return undefined;
      return { email: typeof body.e === "string" ? body.e : null };
    } catch {
      return undefined;
    }
  }

  #sign(payload: string): string {
    return createHmac("sha256", this.#key).update(`connected-receipt:${payload}`).digest("base64url");
  }
}
