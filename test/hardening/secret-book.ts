import type { EmulatorState } from "../../tools/google-emulator/src/emulator-state.ts";

/** Google's consent URL, as the emulator serves it, up to the end of a JSON string or a line. */
const AUTHORIZATION_URL = /https?:\/\/[^\s"\\]*\/o\/oauth2\/v2\/auth\?[^\s"\\]*/g;

/**
 * Every secret a run produced or was configured with, by kind, and where any of them shows up.
 * Findings name the kind and the place, never the secret itself.
 */
export class SecretBook {
  readonly #secrets = new Map<string, string>();
  readonly #states = new Set<string>();

  add(kind: string, value: string | null | undefined): void {
    // Short values (a test's "x") could appear anywhere by chance; every real secret is long.
    if (value !== null && value !== undefined && value.length >= 12) this.#secrets.set(value, kind);
  }

  /** OAuth states may appear where they must (an authorization URL, the authorize answer). */
  addState(state: string | null | undefined): void {
    if (state !== null && state !== undefined && state.length >= 12) this.#states.add(state);
  }

  /** The state of each authorization URL in `text`. */
  addStatesFrom(text: string): void {
    for (const match of text.matchAll(/[?&]state=([A-Za-z0-9_-]+)/g)) this.addState(match[1]);
  }

  /** 32 key bytes as they may be written: base64, base64url, hex. */
  addKey(kind: string, key: Uint8Array): void {
    const bytes = Buffer.from(key);
    this.add(`${kind} (base64)`, bytes.toString("base64"));
    this.add(`${kind} (base64url)`, bytes.toString("base64url"));
    this.add(`${kind} (hex)`, bytes.toString("hex"));
  }

  /** Every token and code the emulator has issued so far (revocation forgets access tokens: call often). */
  harvest(state: EmulatorState): void {
    for (const token of state.accessTokens.keys()) this.add("access token", token);
    for (const token of state.refreshTokens.keys()) this.add("refresh token", token);
    for (const code of state.codes.keys()) this.add("authorization code", code);
  }

  get size(): number {
    return this.#secrets.size + this.#states.size;
  }

  /**
   * Kinds of secret found in `text`. An OAuth state may appear only in what must carry it: an
   * authorization URL in an answer (`carriers: "urls"`), or also the authorize answer's `state`
   * field (`"urls and state field"`); logs carry none (`"none"`).
   */
  findIn(text: string, where: string, carriers: "none" | "urls" | "urls and state field"): string[] {
    const found: string[] = [];
    for (const [secret, kind] of this.#secrets) if (text.includes(secret)) found.push(`${kind} in ${where}`);
    let rest = text;
    if (carriers !== "none") rest = rest.replace(AUTHORIZATION_URL, "<authorization url>");
    if (carriers === "urls and state field") rest = rest.replace(/"state":"[^"]*"/g, '"state":"<state>"');
    for (const state of this.#states) if (rest.includes(state)) found.push(`OAuth state in ${where}`);
    return found;
  }
}
