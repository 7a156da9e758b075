import { expect } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { MemoryLogger } from "../../src/adapters/logging/logger.ts";
import { loadConfig } from "../../src/app/config.ts";
import type { RunningServer } from "../../src/app/server.ts";
import { type RunningSandbox, startSandbox } from "../../tools/sandbox/sandbox.ts";
import { freePort } from "./e2e-fixtures.ts";

/** Git-ignored: screenshots a reviewer can open after a run. */
export const ARTIFACTS_DIR = path.join(import.meta.dir, "..", "..", "test-artifacts");

/** Debian's Chromium, headless; nothing is ever downloaded, nothing talks to the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    timeout: 20_000,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface SandboxServer {
  server: RunningServer;
  emulatorUrl: string;
  apiKey: string;
  /** Call our server with the sandbox's development API key. */
  call(pathname: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

/**
 * Zero configuration, as a developer runs it: only a port and a data folder. The sandbox starts
 * the emulator beside the server, without auto-approve, so the real consent page shows.
 */
export async function startSandboxServer(): Promise<SandboxServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mcp-calendar-browser-"));
  const config = loadConfig({ CALENDAR_SERVER_PORT: String(freePort()), CALENDAR_SERVER_DATA_DIR: dir });
  let sandbox: RunningSandbox;
  try {
    sandbox = await startSandbox(config, { quiet: true, logger: new MemoryLogger() });
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const server = sandbox.server;
  const apiKey = server.config.server.apiKeys[0] ?? "";
  return {
    server,
    emulatorUrl: sandbox.emulator.url,
    apiKey,
    call: (pathname, init = {}) =>
      fetch(`${server.url}${pathname}`, {
        ...init,
        signal: AbortSignal.timeout(10_000),
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json", ...init.headers },
      }),
    stop: async () => {
      try {
        await sandbox.stop();
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** What every page in the flow must send: no caching, no Referer, no framing by another site. */
export function expectLockedDown(headers: Record<string, string>): void {
  expect(headers["referrer-policy"]).toBe("no-referrer");
  expect(headers["cache-control"]).toContain("no-store");
  const csp = headers["content-security-policy"] ?? "";
  const frameAncestorsNone = /(^|;)\s*frame-ancestors 'none'\s*(;|$)/.test(csp);
  const xFrameDeny = headers["x-frame-options"]?.toUpperCase() === "DENY";
  expect(frameAncestorsNone || xFrameDeny).toBe(true);
}

/** Roles that need an accessible name to be usable with a screen reader. */
const NAMED_ROLES = ["button", "radio", "checkbox", "textbox", "combobox", "link"];

/**
 * Basic accessibility: a page language, one h1, and every control with an accessible name as
 * the browser itself computes it (its ARIA snapshot), which covers labels, aria-label and text.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  const lang = (await page.locator("html").getAttribute("lang")) ?? "";
  if (lang.trim() === "") problems.push("html has no lang");
  const headings = await page.locator("h1").count();
  if (headings !== 1) problems.push(`${headings} h1 elements`);
  const controls = await page.locator("button, input:not([type=hidden]), select, textarea, a[href]").count();
  let seen = 0;
  for (const line of (await page.locator("body").ariaSnapshot()).split("\n")) {
    const match = /^\s*- (\w+)(?: "(.*?)")?/.exec(line);
    if (match === null || !NAMED_ROLES.includes(match[1] ?? "")) continue;
    seen += 1;
    if ((match[2] ?? "").trim() === "") problems.push(`unnamed control: ${line.trim()}`);
  }
  // A control the browser left out of the tree altogether is unreachable too.
  if (seen < controls) problems.push(`${controls - seen} controls missing from the accessibility tree`);
  return problems;
}

/** What a person sees: the rendered text, without hidden nodes (unlike the DOM's textContent). */
export function visibleText(page: Page, selector: string): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what this test asserts
  return page.locator(selector).innerText();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
