import { TOOL_ERROR_CODES } from "../../src/adapters/mcp/tool-errors.ts";
import { consent, type Stack, startStack } from "../e2e/e2e-fixtures.ts";

/** One request a fuzzer sends: what it was, for the report, and how to send it. */
export interface FuzzCase {
  label: string;
  method: string;
  path: string;
  headers: Headers;
  body?: string | Uint8Array;
}

export interface FuzzReport {
  inputs: number;
  serverErrors: number;
  /** What went wrong, with the input that did it (first few only). */
  failures: string[];
  failureCount: number;
  unhandled: number;
  /** How many answers had each status: shows the inputs reached past the first checks. */
  statuses: Map<number, number>;
}

/** The server's own verdict on one response; null when acceptable. */
export type Check = (fuzz: FuzzCase, response: Response, body: string) => string | null;

/**
 * The real composed server (SQLite in a temp dir, real Arctic and Calendar adapters) against the
 * Google emulator, with "fuzz-user" connected through a real consent. Requests go to
 * `app.request()`: in process, so thousands fit in seconds. Rate limits are off: the fuzzers
 * would spend them, and refusals would hide what the handlers do.
 */
export async function fuzzStack(): Promise<Stack> {
  const stack = await startStack("sqlite", {
    CALENDAR_SERVER_RATE_LIMIT_PER_CUSTOMER: "0",
    CALENDAR_SERVER_RATE_LIMIT_PER_API_KEY: "0",
    CALENDAR_SERVER_RATE_LIMIT_OAUTH: "0",
    // Generous: the emulator shares this busy process, and a Google timeout (a correct 502) under
    // load would be counted as a server error that no input caused.
    GOOGLE_HTTP_TIMEOUT_MS: "30000",
    CALENDAR_SERVER_ALLOWED_ORIGINS: "https://assistant.example.com",
  });
  const started = await stack.call("/oauth/authorize", {
    method: "POST",
    body: JSON.stringify({ customer_id: "fuzz-user" }),
  });
  const { authorization_url } = (await started.json()) as { authorization_url: string };
  const done = await consent(authorization_url);
  if (done.status !== 200) throw new Error(`fuzz-user did not connect (HTTP ${done.status})`);
  return stack;
}

/**
 * Send `count` cases from `next` (called in order, so a seed gives the same inputs whatever the
 * concurrency), `concurrency` at a time, and judge each response with `check`.
 */
export async function runFuzz(options: {
  count: number;
  concurrency: number;
  next: () => FuzzCase;
  send: (fuzz: FuzzCase) => Response | Promise<Response>;
  check: Check;
}): Promise<FuzzReport> {
  const report: FuzzReport = {
    inputs: 0,
    serverErrors: 0,
    failures: [],
    failureCount: 0,
    unhandled: 0,
    statuses: new Map(),
  };
  const onUnhandled = (reason: unknown): void => {
    report.unhandled += 1;
    note(report, `unhandled: ${describe(reason)}`);
  };
  process.on("unhandledRejection", onUnhandled);
  process.on("uncaughtException", onUnhandled);
  try {
    const worker = async (): Promise<void> => {
      for (;;) {
        // In process, a request that never touches I/O settles in microtasks: without this yield
        // the workers would starve the event loop, and the server's own calls to Google with it.
        await new Promise((resolve) => setImmediate(resolve));
        if (report.inputs >= options.count) return;
        const fuzz = options.next();
        report.inputs += 1;
        let response: Response;
        let body: string;
        try {
          response = await options.send(fuzz);
          body = await response.text();
        } catch (error) {
          note(report, `${fuzz.label}: the request threw ${describe(error)}`);
          continue;
        }
        report.statuses.set(response.status, (report.statuses.get(response.status) ?? 0) + 1);
        if (response.status >= 500) report.serverErrors += 1;
        const verdict =
          response.status >= 500 ? `HTTP ${response.status}` : options.check(fuzz, response, body);
        if (verdict !== null) note(report, `${fuzz.label}: ${verdict} ${body.slice(0, 200)}`, verdict);
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    // Let any rejection still in flight surface before the handlers go.
    await Bun.sleep(20);
  } finally {
    process.off("unhandledRejection", onUnhandled);
    process.off("uncaughtException", onUnhandled);
  }
  return report;
}

/** Counts every failure; keeps the first of each kind, up to ten, with its input. */
function note(report: FuzzReport, failure: string, kind: string = failure): void {
  report.failureCount += 1;
  if (report.failures.length >= 10 || report.failures.some((kept) => kept.includes(`: ${kind}`))) return;
  report.failures.push(failure.slice(0, 500));
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Never a stack trace, a file path of ours, or a vendor's internals in an answer. */
export function leaksInternals(body: string): boolean {
  return /^\s+at .+:\d+:\d+\)?$|\/work\/|node_modules|TypeError|RangeError|SyntaxError/m.test(body);
}

function parse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** `{ error: { code: string, message: string } }`, the HTTP surface's one error shape. */
export function isHttpError(value: unknown): boolean {
  const error = (value as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof error?.code === "string" && typeof error.message === "string";
}

/** The HTTP endpoints' contract: no 5xx, no internals; every error a JSON `error.code`. */
export const checkHttp: Check = (fuzz, response, body) => {
  if (leaksInternals(body)) return "leaks internals";
  if (fuzz.method === "HEAD") return null;
  const type = response.headers.get("content-type") ?? "";
  if (response.status >= 300 && response.status < 400) {
    return response.headers.get("location") === null ? "redirect without Location" : null;
  }
  const wantsHtml = (fuzz.headers.get("accept") ?? "").includes("text/html");
  if (fuzz.path.startsWith("/oauth/callback") && wantsHtml && type.startsWith("text/html")) {
    return body.includes("data-outcome=") ? null : "callback page without an outcome";
  }
  const json = parse(body);
  if (json === undefined) return `not JSON (${type})`;
  if (response.status >= 400 && !isHttpError(json)) return "error without error.code";
  return null;
};

/** A JSON-RPC response: jsonrpc 2.0, an id, and either a result or an error with a numeric code. */
function isRpcResponse(value: unknown): string | null {
  if (typeof value !== "object" || value === null) return "not an object";
  const message = value as Record<string, unknown>;
  if (message.jsonrpc !== "2.0" || !("id" in message)) return "not JSON-RPC 2.0";
  const error = message.error as { code?: unknown; message?: unknown } | undefined;
  if (error !== undefined) {
    return typeof error.code === "number" && typeof error.message === "string" ? null : "malformed error";
  }
  if (typeof message.result !== "object" || message.result === null) return "neither result nor error";
  const result = message.result as {
    isError?: unknown;
    content?: Array<{ text?: unknown }>;
    structuredContent?: { error?: { code?: unknown } };
  };
  if (result.isError !== true) return null;
  // The SDK answers an unknown tool or arguments failing the input schema itself, in text only.
  if (result.structuredContent === undefined) {
    return typeof result.content?.[0]?.text === "string" ? null : "tool error without text";
  }
  const code = result.structuredContent.error?.code;
  if (typeof code !== "string" || !(TOOL_ERROR_CODES as readonly string[]).includes(code)) {
    return "tool error without a known code";
  }
  // internal_error means a tool threw something no adapter translated: a bug to find.
  return code === "internal_error" ? "tool answered internal_error" : null;
}

/** /mcp's contract: JSON-RPC answers (one or a batch), 202 for notifications, HTTP errors from middleware. */
export const checkMcp: Check = (fuzz, response, body) => {
  if (leaksInternals(body)) return "leaks internals";
  if (fuzz.method === "HEAD") return null;
  if (response.status === 202) return body === "" ? null : "202 with a body";
  const json = parse(body);
  if (json === undefined) return "not JSON";
  if (Array.isArray(json)) {
    if (json.length === 0) return "empty batch answer";
    return json.map(isRpcResponse).find((problem) => problem !== null) ?? null;
  }
  if (typeof json === "object" && json !== null && "jsonrpc" in json) return isRpcResponse(json);
  // The API key check and the body limit answer before any JSON-RPC is read.
  return [401, 413].includes(response.status) && isHttpError(json)
    ? null
    : `unexpected answer ${response.status}`;
};

/** "200×812 400×5120 …", by status. */
export function statusSummary(report: FuzzReport): string {
  return [...report.statuses]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status}×${count}`)
    .join(" ");
}
