import type { GoogleCallsSection } from "./section-google-calls.ts";
import type { McpSection, RunFigures, Variant } from "./section-mcp.ts";
import type { MemorySection } from "./section-memory.ts";
import type { RefreshSection, StormFigures } from "./section-refresh.ts";
import type { VaultSection } from "./section-vault.ts";

/** The printed tables: what docs/performance.md quotes. */

export interface Target {
  section: string;
  name: string;
  value: number | string;
  limit: string;
  met: boolean;
}

export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? "").length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  const rule = `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`;
  return [line(headers), rule, ...cells.slice(1).map(line)].join("\n");
}

export function mcpTables(section: McpSection): string {
  const rows: Array<Array<string | number>> = [];
  const row = (tool: string, load: string, path: string, run: RunFigures) =>
    rows.push([tool, load, path, run.n, run.p50, run.p99, run.throughput, run.cpuMsPerCall, run.errors]);
  for (const [tool, figures] of Object.entries(section.tools)) {
    for (const mode of ["fixedRate", "saturation"] as const) {
      const load =
        mode === "fixedRate" ? `${section.sizes.rate}/s open loop` : `${section.sizes.concurrency} callers`;
      for (const variant of ["direct", "ours", "naive"] as Variant[])
        row(tool, load, variant, figures[mode][variant]);
      if (mode === "fixedRate") row(tool, load, "direct beside emulator", figures.besideEmulator.direct);
    }
  }
  const derived = Object.entries(section.tools).map(([tool, figures]) => [
    tool,
    figures.addedMs.ours.p50,
    figures.addedMs.ours.p99,
    figures.addedMs.naive.p50,
    figures.addedMs.naive.p99,
    figures.throughputRatio.oursToDirect,
    figures.throughputRatio.oursToNaive,
    cpuRatio(figures.saturation.naive, figures.saturation.ours),
    figures.socketSendsPerCall.ours ?? "n/a",
    figures.socketSendsPerCall.naive ?? "n/a",
    figures.besideEmulator.oursAddedMs.p50,
    figures.besideEmulator.oursAddedMs.p99,
  ]);
  return [
    table(["tool", "load", "path", "calls", "p50 ms", "p99 ms", "calls/s", "cpu ms/call", "errors"], rows),
    "",
    table(
      [
        "tool",
        `ours added p50 ms`,
        `ours added p99 ms`,
        "naive added p50 ms",
        "naive added p99 ms",
        "throughput ours/direct",
        "throughput ours/naive",
        "server cpu naive/ours",
        "socket sends/call ours",
        "socket sends/call naive",
        "ours added p50 ms over direct beside emulator",
        "ours added p99 ms over direct beside emulator",
      ],
      derived,
    ),
  ].join("\n");
}

export function refreshTable(section: RefreshSection): string {
  const row = (label: string, storm: StormFigures) => [
    label,
    storm.calls,
    storm.refreshes,
    `${storm.customersRefreshedOnce}/${storm.customers}`,
    storm.maxRefreshesPerCustomer,
    storm.freshMs,
    storm.expiredMs,
    storm.timeRatio,
    storm.errors,
  ];
  return table(
    [
      "storm",
      "calls",
      "refreshes",
      "customers refreshed once",
      "max per customer",
      "fresh ms",
      "expired ms",
      "ratio",
      "errors",
    ],
    [
      row(`1 customer x ${section.sizes.oneCustomerCalls}`, section.oneCustomer),
      row(`${section.sizes.customers} customers x ${section.sizes.callsPerCustomer}`, section.manyCustomers),
    ],
  );
}

export function vaultTable(section: VaultSection): string {
  const rows: Array<Array<string | number>> = [];
  for (const store of section.stores) {
    for (const size of store.measured) {
      rows.push([
        store.kind,
        size.customers,
        size.diskBytesPerCustomer,
        size.openMs,
        size.startMs,
        size.startRatio,
        (size.idleRssBytes / 1048576).toFixed(1),
        size.rssRatio,
        size.getMs.p50,
        size.getMs.p99,
        size.putMs.p50,
        size.putMs.p99,
        Math.round(size.seedMs / 1000),
      ]);
    }
    for (const skipped of store.skipped) rows.push([store.kind, skipped.customers, skipped.reason]);
  }
  return table(
    [
      "store",
      "customers",
      "disk B/customer",
      "open ms",
      "start ms",
      "start ratio",
      "idle RSS MiB",
      "RSS ratio",
      "get p50 ms",
      "get p99 ms",
      "put p50 ms",
      "put p99 ms",
      "seed s",
    ],
    rows,
  );
}

export function googleCallsTable(section: GoogleCallsSection): string {
  return table(
    ["backend", "tool", "call", "Google requests", "by method", "budget", "within", "call ok"],
    section.tools.map((tool) => [
      tool.backend,
      tool.tool,
      tool.form,
      tool.googleRequests,
      Object.entries(tool.byMethod)
        .map(([method, count]) => `${method} ${count}`)
        .join(", ") || "-",
      tool.budget,
      tool.withinBudget ? "yes" : "NO",
      tool.ok ? "yes" : "NO",
    ]),
  );
}

export function memoryTable(section: MemorySection): string {
  const mib = (bytes: number): string => (bytes / 1048576).toFixed(1);
  return table(
    [
      "events x description",
      "concurrent calls",
      "idle RSS MiB",
      "peak RSS MiB",
      "peak/idle",
      "largest answer KiB",
      "rate_limited",
      "failed",
    ],
    [
      [
        `${section.sizes.events} x ${section.sizes.descriptionBytes} B`,
        section.sizes.concurrentCalls,
        mib(section.idleRssBytes),
        mib(section.peakRssBytes),
        section.peakRatio,
        Math.round(section.largestAnswerBytes / 1024),
        section.refusedRateLimited,
        section.failed,
      ],
    ],
  );
}

export function targetsTable(targets: Target[]): string {
  return table(
    ["section", "target", "value", "limit", "met"],
    targets.map((target) => [
      target.section,
      target.name,
      target.value,
      target.limit,
      target.met ? "yes" : "NO",
    ]),
  );
}

function cpuRatio(naive: RunFigures, ours: RunFigures): number {
  return ours.cpuMsPerCall === 0
    ? Number.NaN
    : Math.round((naive.cpuMsPerCall / ours.cpuMsPerCall) * 100) / 100;
}
