import { describe, expect, test } from "bun:test";
import { JsonLineLogger, MemoryLogger } from "../../../src/adapters/logging/logger.ts";

describe("JsonLineLogger", () => {
  test("one JSON line: time, level, event, then the fields in their order, secrets redacted", () => {
    const logger = new MemoryLogger();
    logger.log("info", "mcp_tool_call", { tool: "list_events", access_token: "ya29.x", api_key: "k", n: 2 });
    const line = logger.lines[0] ?? "";
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(["time", "level", "event", "tool", "access_token", "api_key", "n"]);
    expect(parsed).toMatchObject({ level: "info", event: "mcp_tool_call", tool: "list_events", n: 2 });
    expect(parsed.access_token).toBe("[redacted]");
    expect(parsed.api_key).toBe("[redacted]");
    expect(line).not.toContain("ya29");
    expect(typeof parsed.time).toBe("string");
  });

  test("a field named like a line's own key replaces its value in place", () => {
    const logger = new MemoryLogger();
    logger.log("warn", "first", { event: "second", time: "then" });
    expect(logger.lines[0]).toBe('{"time":"then","level":"warn","event":"second"}');
  });

  test("lines below the minimum level are dropped; no fields is fine", () => {
    const lines: string[] = [];
    const logger = new JsonLineLogger({ write: (line) => lines.push(line), level: "warn" });
    logger.log("info", "quiet");
    logger.log("error", "loud");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({ level: "error", event: "loud" });
  });
});

describe("JsonLineLogger on stdout", () => {
  const script = (ending: string) => `
    import { JsonLineLogger } from ${JSON.stringify(`${import.meta.dir}/../../../src/adapters/logging/logger.ts`)};
    const logger = new JsonLineLogger();
    for (let n = 1; n <= 3; n += 1) logger.log("info", "line", { n });
    ${ending}
  `;
  const run = (ending: string): { lines: unknown[]; exitCode: number | null } => {
    const child = Bun.spawnSync([process.execPath, "-e", script(ending)], { stdout: "pipe", stderr: "pipe" });
    const lines = child.stdout
      .toString()
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as { n: number });
    return { lines: lines.map((line) => line.n), exitCode: child.exitCode };
  };

  test("lines logged together are written in order once the loop turns", () => {
    expect(run("setTimeout(() => {}, 20);").lines).toEqual([1, 2, 3]);
  });

  test("lines still waiting when the process exits are written, whether it exits or throws", () => {
    expect(run("process.exit(3);")).toEqual({ lines: [1, 2, 3], exitCode: 3 });
    expect(run('throw new Error("boom");').lines).toEqual([1, 2, 3]);
  });
});
