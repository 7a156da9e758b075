/**
 * The Google emulator's whole memory: accounts, registered OAuth clients, issued codes and
 * tokens, calendars, counters and injected faults. The OAuth routes and the Calendar routes
 * share one instance, so a token issued by `/token` is what `/calendar/v3` checks.
 *
 * It lives in memory; the sandbox keeps a snapshot of it in its data folder (state-file.ts).
 */

export interface EmulatorAccount {
  /** Google's stable subject id (the `sub` claim). */
  sub: string;
  email: string;
  name: string;
  /** IANA zone of the primary calendar. */
  timeZone: string;
}

export interface EmulatorClient {
  clientId: string;
  clientSecret: string;
  /** Exact-match list, as Google requires; empty means any loopback redirect is accepted. */
  redirectUris: string[];
  /**
   * Created with "Use this client for an AI-powered agent": only such clients may call the
   * Calendar MCP server. `addClient` makes an absent flag true.
   */
  agentic?: boolean;
}

export interface AuthorizationCodeGrant {
  code: string;
  clientId: string;
  redirectUri: string;
  email: string;
  scopes: string[];
  codeChallenge: string | null;
  codeChallengeMethod: "S256" | "plain" | null;
  /** epoch ms */
  expiresAt: number;
  used: boolean;
  /** Google revokes the tokens issued for a code that is replayed. */
  grantId: string;
  /**
   * Decided at consent time: access_type=offline and (first consent or prompt=consent).
   * Optional so older callers that build grants by hand keep compiling.
   */
  issueRefreshToken?: boolean;
  /** OpenID Connect `nonce` from the authorization request, echoed in the id_token. */
  nonce?: string | null;
}

export interface IssuedAccessToken {
  token: string;
  clientId: string;
  email: string;
  scopes: string[];
  /** epoch ms */
  expiresAt: number;
  grantId: string;
}

export interface IssuedRefreshToken {
  token: string;
  clientId: string;
  email: string;
  scopes: string[];
  grantId: string;
  revoked: boolean;
}

/** A fault to inject on the next matching requests. */
export interface FaultRule {
  /**
   * Route key: "token", "revoke", "auth", "calendar" (any Calendar call), "calendar:<method>"
   * e.g. "calendar:events.insert", "mcp" (any Calendar MCP request) or "mcp:<tool>" e.g.
   * "mcp:create_event".
   */
  target: string;
  /** HTTP status to answer with instead of the real answer (omit to only delay). */
  status?: number;
  /** Raw body to send with `status`; default is Google's documented error body for that status. */
  body?: string;
  /** Extra header values, e.g. Retry-After. */
  headers?: Record<string, string>;
  /** Wait this long before answering (a timeout test sets it beyond the client's timeout). */
  delayMs?: number;
  /** How many requests this rule applies to; undefined = until cleared. */
  times?: number;
  /**
   * MCP targets only: carry the call out first, then delay or replace its answer, as when
   * Google commits a change and the answer is lost or late.
   */
  after?: boolean;
}

export interface EmulatorCounters {
  /** authorization_code grants answered with tokens */
  codeExchanges: number;
  /** refresh_token grants answered with tokens */
  refreshes: number;
  /** refresh grants per email address */
  refreshesByEmail: Map<string, number>;
  /** successful revocations */
  revocations: number;
  /** every /token request, successful or not */
  tokenRequests: number;
  /** Calendar API calls by method name, e.g. "events.insert" */
  calendarCalls: Map<string, number>;
  /** Calendar MCP `tools/call` requests by tool name, e.g. "create_event" */
  mcpCalls: Map<string, number>;
  /** Every Calendar MCP JSON-RPC message by method, e.g. "initialize", "tools/call" */
  mcpRequests: Map<string, number>;
}

export interface EmulatorOptions {
  /** Lifetime of issued access tokens, seconds (Google: 3599). */
  accessTokenTtlSeconds: number;
  /** Lifetime of authorization codes, seconds. */
  codeTtlSeconds: number;
  /**
   * When set, `/o/oauth2/v2/auth` skips the consent page and approves at once as this account
   * with every requested scope (for headless tests).
   */
  autoApproveEmail: string | null;
  /** Issuer URL put in id_tokens. */
  issuer: string;
  /**
   * How the Calendar MCP endpoint reports a failed tool call. Google's form is unknown, so both
   * plausible ones exist: an `isError: true` result (default) or a JSON-RPC error object.
   */
  mcpToolErrorEncoding: "isError" | "jsonrpc";
}

function emptyCounters(): EmulatorCounters {
  return {
    codeExchanges: 0,
    refreshes: 0,
    refreshesByEmail: new Map(),
    revocations: 0,
    tokenRequests: 0,
    calendarCalls: new Map(),
    mcpCalls: new Map(),
    mcpRequests: new Map(),
  };
}

export class EmulatorState {
  readonly accounts = new Map<string, EmulatorAccount>();
  readonly clients = new Map<string, EmulatorClient>();
  readonly codes = new Map<string, AuthorizationCodeGrant>();
  readonly accessTokens = new Map<string, IssuedAccessToken>();
  readonly refreshTokens = new Map<string, IssuedRefreshToken>();
  counters: EmulatorCounters = emptyCounters();
  faults: FaultRule[] = [];
  options: EmulatorOptions;
  /** Calendar data lives with the Calendar routes; they keep it here so `reset()` clears it. */
  calendarData = new Map<string, unknown>();

  constructor(options: Partial<EmulatorOptions> = {}) {
    this.options = {
      accessTokenTtlSeconds: 3599,
      codeTtlSeconds: 600,
      autoApproveEmail: null,
      issuer: "https://accounts.google.com",
      mcpToolErrorEncoding: "isError",
      ...options,
    };
  }

  addAccount(account: Partial<EmulatorAccount> & { email: string }): EmulatorAccount {
    const full: EmulatorAccount = {
      sub: account.sub ?? numericSub(account.email),
      name: account.name ?? account.email.split("@")[0] ?? account.email,
      timeZone: account.timeZone ?? "Europe/Madrid",
      ...account,
    };
    this.accounts.set(full.email, full);
    return full;
  }

  /** Registers a client; one that does not say otherwise is agentic (what new clients should be). */
  addClient(client: EmulatorClient): void {
    this.clients.set(client.clientId, { ...client, agentic: client.agentic ?? true });
  }

  /** Revoke every token of a grant (what Google does on /revoke or on a replayed code). */
  revokeGrant(grantId: string): void {
    for (const [token, issued] of this.accessTokens) {
      if (issued.grantId === grantId) this.accessTokens.delete(token);
    }
    for (const issued of this.refreshTokens.values()) {
      if (issued.grantId === grantId) issued.revoked = true;
    }
  }

  /** Expire every access token of an account now (lets tests force a refresh). */
  expireAccessTokens(email?: string): void {
    for (const issued of this.accessTokens.values()) {
      if (email === undefined || issued.email === email) issued.expiresAt = 0;
    }
  }

  /** The first fault rule matching one of `targets`, consumed once. */
  takeFault(...targets: string[]): FaultRule | undefined {
    const index = this.faults.findIndex((rule) => targets.includes(rule.target));
    if (index < 0) return undefined;
    const rule = this.faults[index];
    if (rule === undefined) return undefined;
    if (rule.times !== undefined) {
      rule.times -= 1;
      if (rule.times <= 0) this.faults.splice(index, 1);
    }
    return rule;
  }

  countCalendarCall(method: string): void {
    this.counters.calendarCalls.set(method, (this.counters.calendarCalls.get(method) ?? 0) + 1);
  }

  countMcp(counter: "mcpCalls" | "mcpRequests", key: string): void {
    const map = this.counters[counter];
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  resetCounters(): void {
    this.counters = emptyCounters();
  }
}

/** Google subject ids are 21-digit decimal strings; derive a stable one from the email. */
function numericSub(email: string): string {
  let hash = 1469598103934665603n;
  for (const byte of new TextEncoder().encode(email)) {
    hash = ((hash ^ BigInt(byte)) * 1099511628211n) & 0xffffffffffffffffn;
  }
  return `1${hash.toString().padStart(20, "0").slice(0, 20)}`;
}
