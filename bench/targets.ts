import type { Target } from "./report.ts";
import type { GoogleCallsSection } from "./section-google-calls.ts";
import type { McpSection } from "./section-mcp.ts";
import { MEMORY_PEAK_CEILING_RATIO, type MemorySection } from "./section-memory.ts";
import type { RefreshSection } from "./section-refresh.ts";
import type { VaultSection } from "./section-vault.ts";

/**
 * Start time and idle memory "must not grow with the number of customers": a store read at
 * start-up would show ×10 per size step; this allows for the noise of a shared 2-core machine.
 */
export const GROWTH_TOLERANCE = 1.3;

export function mcpTargets(section: McpSection): Target[] {
  return section.targets.map((target) => ({ section: "1 /mcp", ...target }));
}

export function refreshTargets(section: RefreshSection): Target[] {
  return [
    ["1 customer", section.oneCustomer],
    [`${section.sizes.customers} customers`, section.manyCustomers],
  ].flatMap(([label, storm]) => {
    const figures = storm as RefreshSection["oneCustomer"];
    return [
      {
        section: "2 refresh storm",
        name: `${label}: customers refreshed exactly once`,
        value: `${figures.customersRefreshedOnce}/${figures.customers} (${figures.refreshes} refreshes)`,
        limit: "all, 1 each",
        met: figures.customersRefreshedOnce === figures.customers && figures.refreshes === figures.customers,
      },
      {
        section: "2 refresh storm",
        name: `${label}: failed calls`,
        value: figures.errors,
        limit: "0",
        met: figures.errors === 0,
      },
    ];
  });
}

export function vaultTargets(section: VaultSection): Target[] {
  return section.stores.flatMap((store) =>
    store.measured.slice(1).flatMap((size) => [
      {
        section: "3 vault scale",
        name: `${store.kind} ${size.customers}: start time / smallest`,
        value: size.startRatio,
        limit: `<= ${GROWTH_TOLERANCE}`,
        met: size.startRatio <= GROWTH_TOLERANCE,
      },
      {
        section: "3 vault scale",
        name: `${store.kind} ${size.customers}: idle RSS / smallest`,
        value: size.rssRatio,
        limit: `<= ${GROWTH_TOLERANCE}`,
        met: size.rssRatio <= GROWTH_TOLERANCE,
      },
    ]),
  );
}

export function googleCallTargets(section: GoogleCallsSection): Target[] {
  return section.tools.map((tool) => ({
    section: "4 Google calls",
    name: `${tool.backend}: ${tool.tool} (${tool.form})`,
    value: tool.ok ? tool.googleRequests : "call failed",
    limit: `<= ${tool.budget}`,
    met: tool.ok && tool.withinBudget,
  }));
}

/** The largest answer one tool call may send (the cap of issue 10 §4, with room for the envelope). */
export const ANSWER_CEILING_BYTES = 1024 * 1024;

export function memoryTargets(section: MemorySection): Target[] {
  const label = `${section.sizes.concurrentCalls} x list_events over ${section.sizes.events} long events`;
  return [
    {
      section: "5 memory",
      name: `${label}: peak RSS / idle RSS`,
      value: section.peakRatio,
      limit: `<= ${MEMORY_PEAK_CEILING_RATIO}`,
      met: section.peakRatio <= MEMORY_PEAK_CEILING_RATIO,
    },
    {
      section: "5 memory",
      name: `${label}: largest answer, bytes`,
      value: section.largestAnswerBytes,
      limit: `<= ${ANSWER_CEILING_BYTES}`,
      met: section.largestAnswerBytes <= ANSWER_CEILING_BYTES,
    },
    {
      section: "5 memory",
      name: `${label}: failed calls (a rate_limited answer is not a failure)`,
      value: section.failed,
      limit: "0",
      met: section.failed === 0,
    },
  ];
}
