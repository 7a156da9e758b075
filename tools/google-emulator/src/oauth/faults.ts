import type { EmulatorState } from "../emulator-state.ts";
import { defaultFaultResponse } from "./google-errors.ts";

/**
 * Applies the next fault rule for `target`: waits its delay, then returns the injected answer,
 * or `undefined` when the request should be served normally (no rule, or a delay-only rule).
 * `kind` picks the default body: JSON for the token/revoke APIs, HTML for browser pages.
 */
export async function applyFault(
  state: EmulatorState,
  target: string,
  kind: "json" | "html",
): Promise<Response | undefined> {
  const rule = state.takeFault(target);
  if (rule === undefined) return undefined;
  if (rule.delayMs !== undefined && rule.delayMs > 0) await Bun.sleep(rule.delayMs);
  if (rule.status === undefined) return undefined;
  const fallback = defaultFaultResponse(rule.status, kind);
  const headers = new Headers({ "Content-Type": fallback.contentType, ...rule.headers });
  return new Response(rule.body ?? fallback.body, { status: rule.status, headers });
}
