import { describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The house rules, checked on every import of every file rather than left to convention:
 * the domain imports nothing outward, adapters never reach into the composition root, the MCP
 * and HTTP surfaces share code only through src/adapters/shared, the product
 * never imports the Google emulator, the sandbox or the test doubles, and the emulator shares no
 * code with the product it stands in for Google against.
 */
const REPO = path.resolve(import.meta.dir, "../..");

interface ImportEdge {
  from: string;
  /** Repository-relative path for a relative import, the bare specifier otherwise. */
  to: string;
  bare: boolean;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(REPO, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(rel));
    else if (entry.name.endsWith(".ts")) out.push(rel);
  }
  return out;
}

const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s[^"']*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function importsOf(file: string): ImportEdge[] {
  const text = fs.readFileSync(path.join(REPO, file), "utf8");
  const edges: ImportEdge[] = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const spec = match[1] ?? match[2] ?? "";
    if (spec.startsWith(".")) {
      edges.push({ from: file, to: path.normalize(path.join(path.dirname(file), spec)), bare: false });
    } else {
      edges.push({ from: file, to: spec, bare: true });
    }
  }
  return edges;
}

function edgesUnder(dir: string): ImportEdge[] {
  return sourceFiles(dir).flatMap(importsOf);
}

const describeEdge = (edge: ImportEdge): string => `${edge.from} -> ${edge.to}`;

describe("layering", () => {
  test("the import scanner sees the product's imports (it would pass vacuously otherwise)", () => {
    const edges = edgesUnder("src");
    expect(edges.length).toBeGreaterThan(300);
    expect(edges.some((e) => e.from === "src/app/compose.ts" && e.to.startsWith("src/adapters/"))).toBe(true);
  });

  test("src/domain imports only src/domain: no package, no runtime, no adapter", () => {
    const outward = edgesUnder("src/domain").filter((e) => e.bare || !e.to.startsWith("src/domain/"));
    expect(outward.map(describeEdge)).toEqual([]);
  });

  test("adapters never import src/app", () => {
    const up = edgesUnder("src/adapters").filter((e) => !e.bare && e.to.startsWith("src/app/"));
    expect(up.map(describeEdge)).toEqual([]);
  });

  test("the MCP surface never imports the HTTP surface: what both use lives in src/adapters/shared", () => {
    const across = edgesUnder("src/adapters/mcp").filter(
      (e) => !e.bare && e.to.startsWith("src/adapters/http/"),
    );
    expect(across.map(describeEdge)).toEqual([]);
    const shared = edgesUnder("src/adapters/shared").filter(
      (e) => !e.bare && !e.to.startsWith("src/adapters/shared/") && !e.to.startsWith("src/domain/"),
    );
    expect(shared.map(describeEdge)).toEqual([]);
  });

  test("nothing in src/ imports tools/ (emulator, sandbox) or test/ (fakes)", () => {
    const out = edgesUnder("src").filter((e) => !e.bare && !e.to.startsWith("src/"));
    expect(out.map(describeEdge)).toEqual([]);
  });

  test("the Google emulator shares no code with the product", () => {
    const shared = edgesUnder("tools/google-emulator/src").filter(
      (e) => !e.bare && !e.to.startsWith("tools/google-emulator/src/"),
    );
    expect(shared.map(describeEdge)).toEqual([]);
  });

  test("src/ uses zod's public API only (no _zod internals, no $Zod classes): an upgrade cannot break it silently", () => {
    const internal = sourceFiles("src").filter((file) =>
      /_zod\.|\$Zod[A-Z]/.test(fs.readFileSync(path.join(REPO, file), "utf8")),
    );
    expect(internal).toEqual([]);
  });

  test("the production image copies src/ only: no emulator, sandbox or test double in it", () => {
    const dockerfile = fs.readFileSync(path.join(REPO, "Dockerfile"), "utf8");
    const copied = dockerfile
      .split("\n")
      .filter((line) => /^COPY\s/.test(line) && !line.includes("--from="))
      .flatMap((line) => line.trim().split(/\s+/).slice(1, -1));
    expect(new Set(copied)).toEqual(new Set(["package.json", "bun.lock", "tsconfig.json", "src"]));
    const ignored = fs.readFileSync(path.join(REPO, ".dockerignore"), "utf8");
    for (const folder of ["tools", "test", "bench"]) expect(ignored).toContain(folder);
  });
});
