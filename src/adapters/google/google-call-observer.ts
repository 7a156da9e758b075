/** Which of Google's APIs a call went to: the label of the latency histogram. */
export type GoogleApi = "oauth_token" | "oauth_revoke" | "calendar";

export interface GoogleCall {
  api: GoogleApi;
  /** "error" for anything but a successful answer: an error status, a timeout, no connection. */
  outcome: "ok" | "error";
  /** What the caller waited, retries and their back-off included. */
  durationMs: number;
  /** Which Calendar backend made a "calendar" call (default "rest"). */
  backend?: "rest" | "mcp";
  /** The API method or MCP tool, e.g. "events.list" or "list_events"; a small fixed set. */
  operation?: string;
}

/** Told once per call to Google, for metrics. Must not throw; a throw is swallowed. */
export type GoogleCallObserver = (call: GoogleCall) => void;

export const IGNORE_GOOGLE_CALLS: GoogleCallObserver = () => undefined;

/** Run `work`, then tell `observer` how long it took and whether it succeeded. */
export async function observed<T>(
  observer: GoogleCallObserver,
  api: GoogleApi,
  work: () => Promise<T>,
  labels: Pick<GoogleCall, "backend" | "operation"> = {},
): Promise<T> {
  const started = performance.now();
  let outcome: GoogleCall["outcome"] = "error";
  try {
    const result = await work();
    outcome = "ok";
    return result;
  } finally {
    try {
      observer({ api, outcome, durationMs: performance.now() - started, ...labels });
    } catch {
      // Metrics must never change what a call to Google returns.
    }
  }
}
