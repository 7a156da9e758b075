import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * The opaque `approval_token` handed out with `approval_required`: what resuming Google's
 * `input_required` needs (the input keys and Google's `requestState`), bound with an HMAC to
 * the customer, the tool and a hash of the exact arguments, with an expiry. A caller can read
 * it but not forge it, nor use it for another customer, tool or set of arguments.
 */

export interface ApprovalClaims {
  /** Hash of the subject (customer id, or access token when none was given). */
  subject: string;
  tool: string;
  /** Hash of the tool's arguments (canonical JSON). */
  args: string;
  /** The keys of Google's `inputRequests`, answered alike. */
  keys: string[];
  requestState?: string;
  /** Seconds since the epoch. */
  expiresAt: number;
}

const VERSION = 1;

export class ApprovalTokens {
  readonly #key: Uint8Array;

  constructor(key: Uint8Array) {
    if (key.length < 32) throw new Error("the approval key must have at least 32 bytes");
    this.#key = key;
  }

  seal(claims: ApprovalClaims): string {
    const payload = Buffer.from(JSON.stringify({ v: VERSION, ...claims })).toString("base64url");
    return `${payload}.${this.#mac(payload)}`;
  }

  /** @returns the claims, or null when the token was not made by us (or is malformed) */
  open(token: string): ApprovalClaims | null {
    const [payload, mac, extra] = token.split(".");
    if (payload === undefined || mac === undefined || extra !== undefined) return null;
    const expected = Buffer.from(this.#mac(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const value = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
      if (value.v !== VERSION || !Array.isArray(value.keys)) return null;
      const { subject, tool, args, keys, requestState, expiresAt } = value;
      if (typeof subject !== "string" || typeof tool !== "string" || typeof args !== "string") return null;
      if (typeof expiresAt !== "number" || !keys.every((k) => typeof k === "string")) return null;
      return {
        subject,
        tool,
        args,
        keys: keys as string[],
        ...(typeof requestState === "string" ? { requestState } : {}),
        expiresAt,
      };
    } catch {
      return null;
    }
  }

  #mac(payload: string): string {
    return createHmac("sha256", this.#key).update(`approval.v${VERSION}.${payload}`).digest("base64url");
  }
}

/** SHA-256 of a value's canonical JSON (keys sorted), base64url. */
export function hashOf(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("base64url");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
