import * as fs from "node:fs";
import * as path from "node:path";

/** Every regular file under `dir` with its bytes: what a vault left on disk. */
export function filesUnder(dir: string): Array<{ name: string; bytes: Uint8Array }> {
  const out: Array<{ name: string; bytes: Uint8Array }> = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out.push({ name: path.relative(dir, full), bytes: new Uint8Array(fs.readFileSync(full)) });
  }
  return out;
}
