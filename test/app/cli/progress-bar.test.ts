import { describe, expect, test } from "bun:test";
import type { CliIo } from "../../../src/app/cli/cli-command.ts";
import { ProgressBar, renderBar } from "../../../src/app/cli/progress-bar.ts";
import { runCli } from "../../../src/app/cli/run-cli.ts";
import { connection, newKey, storeEnv, useTempDir, withStorage } from "./cli-fixtures.ts";

const tempDir = useTempDir();

describe("progress bar", () => {
  test("renders label, bar, percentage and counts", () => {
    expect(renderBar("rotating", 0, 4, 8)).toBe("rotating [--------]   0% 0/4");
    expect(renderBar("rotating", 1, 4, 8)).toBe("rotating [##------]  25% 1/4");
    expect(renderBar("rotating", 4, 4, 8)).toBe("rotating [########] 100% 4/4");
    expect(renderBar("rotating", 0, 0, 8)).toBe("rotating [########] 100% 0/0");
  });

  test("redraws in place only when the percentage moves, and ends its line", () => {
    const writes: string[] = [];
    const bar = new ProgressBar({ write: (text) => writes.push(text), total: 1000, label: "x", width: 10 });
    for (let done = 1; done <= 1000; done += 1) bar.update(done);
    bar.finish();
    expect(writes.length).toBeLessThanOrEqual(103);
    expect(writes.slice(0, -1).every((text) => text.startsWith("\r"))).toBe(true);
    expect(writes.at(-2)).toBe("\rx [##########] 100% 1000/1000");
    expect(writes.at(-1)).toBe("\n");
  });

  test("rotate-key draws it on an interactive stderr, and keeps stdout for the summary", async () => {
    const dir = tempDir();
    const oldKey = newKey();
    await withStorage(storeEnv(dir, oldKey), "sqlite", async ({ vault }) => {
      for (const name of ["a", "b", "c"]) await vault.put(connection(name));
    });
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      env: storeEnv(dir, newKey(), { TOKEN_ENCRYPTION_PREVIOUS_KEYS: oldKey }),
      out: (text) => out.push(text),
      err: (text) => err.push(text),
      interactive: true,
    };
    expect(await runCli(["rotate-key"], io)).toBe(0);
    expect(err.join("")).toContain("\rrotating [");
    expect(err.join("")).toEndWith("100% 3/3\n");
    expect(out.join("")).not.toContain("\r");
    expect(out.join("")).toMatch(/^connections\s+3\s+0\s+0\s+0$/m);
  });
});
