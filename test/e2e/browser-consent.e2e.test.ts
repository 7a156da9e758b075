import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page, Response as PageResponse } from "playwright-core";
import {
  accessibilityProblems,
  expectLockedDown,
  launchChromium,
  type SandboxServer,
  screenshot,
  startSandboxServer,
  visibleText,
} from "./browser-fixtures.ts";

/** Every browser step (navigation, click, wait) gives up after this; each test after TEST_TIMEOUT_MS. */
const STEP_TIMEOUT_MS = 10_000;
const TEST_TIMEOUT_MS = 45_000;

interface ConsentAnswer {
  email: string;
  decision: "allow" | "deny";
  /** The language the consent page must speak. */
  language: "en" | "es";
  /** Screenshot name for the consent page. */
  shot: string;
}

const DESKTOP = { width: 820, height: 900 };
const PHONE = { width: 390, height: 844 };

const ALLOW_LABEL = { en: "Allow", es: "Permitir" } as const;

describe("consent flow in headless Chromium: zero-config sandbox, the emulator's real consent page", () => {
  let sandbox: SandboxServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    sandbox = await startSandboxServer();
    browser = await launchChromium();
  }, 40_000);

  afterAll(async () => {
    // Both, whatever happened: a failed test must not leave Chromium or a port behind.
    await Promise.allSettled([browser?.close(), sandbox?.stop()]);
  }, 30_000);

  function running(): { sandbox: SandboxServer; browser: Browser } {
    if (sandbox === undefined || browser === undefined) throw new Error("set-up did not finish");
    return { sandbox, browser };
  }

  async function authorizationUrl(customerId: string): Promise<string> {
    const response = await running().sandbox.call("/oauth/authorize", {
      method: "POST",
      body: JSON.stringify({ customer_id: customerId }),
    });
    expect(response.status).toBe(200);
    const { authorization_url } = (await response.json()) as { authorization_url: string };
    expect(new URL(authorization_url).origin).toBe(running().sandbox.emulatorUrl);
    return authorization_url;
  }

  /** calendar_status as a plain JSON-RPC client calls it. */
  async function calendarStatus(customerId: string): Promise<Record<string, unknown>> {
    const response = await running().sandbox.call("/mcp", {
      method: "POST",
      headers: { accept: "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "calendar_status", arguments: { customer_id: customerId } },
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result?: { structuredContent?: Record<string, unknown> } };
    return body.result?.structuredContent ?? {};
  }

  /** A fresh browser context (no cookies carried over), closed whatever `run` does. */
  async function inBrowser(
    locale: string,
    viewport: { width: number; height: number },
    run: (page: Page) => Promise<void>,
  ): Promise<void> {
    const context = await running().browser.newContext({ locale, viewport });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
    try {
      await run(await context.newPage());
    } finally {
      await context.close();
    }
  }

  /** Open the consent page, check it, choose the account and answer; returns our callback's response. */
  async function answerConsent(page: Page, url: string, answer: ConsentAnswer): Promise<PageResponse> {
    const consent = await page.goto(url);
    if (consent === null) throw new Error("no response for the consent page");
    expect(consent.status()).toBe(200);
    expectLockedDown(await consent.allHeaders());
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(await page.locator("html").getAttribute("lang")).toBe(answer.language);
    expect(await visibleText(page, "#allow-button")).toBe(ALLOW_LABEL[answer.language]);

    const scopes = await page.locator("input[name=scope]").all();
    expect(scopes.length).toBeGreaterThan(0);
    for (const scope of scopes) expect(await scope.isChecked()).toBe(true);
    const label = page.locator("label", { hasText: answer.email });
    const radio = page.locator(`input[name=account]#${await label.getAttribute("for")}`);
    await radio.check();
    expect(await radio.isChecked()).toBe(true);
    await screenshot(page, answer.shot);

    const callbackUrl = `${running().sandbox.server.url}/oauth/callback`;
    // The page the browser ends on: a success is a 303 to a reload-safe address first.
    const callback = page.waitForResponse(
      (response) =>
        response.url().startsWith(callbackUrl) && (response.status() < 300 || response.status() >= 400),
    );
    await page.click(answer.decision === "allow" ? "#allow-button" : "#deny-button");
    const response = await callback;
    await page.waitForLoadState("load");
    return response;
  }

  test(
    "Allow: the chosen account is connected, the page says so, calendar_status agrees",
    async () => {
      const url = await authorizationUrl("browser-allow");
      await inBrowser("en-GB", DESKTOP, async (page) => {
        // Not the first (pre-selected) account: the choice must travel through the flow.
        const callback = await answerConsent(page, url, {
          email: "sam.lee@example.com",
          decision: "allow",
          language: "en",
          shot: "consent-en",
        });
        expect(callback.status()).toBe(200);
        expectLockedDown(await callback.allHeaders());
        expect(await accessibilityProblems(page)).toEqual([]);
        expect(await page.locator("html").getAttribute("lang")).toBe("en");
        expect(await visibleText(page, "h1")).toContain("Google Calendar connected");
        const text = await visibleText(page, "main");
        expect(text).toContain("sam.lee@example.com");
        expect(text).toContain("return to the chat");
        await screenshot(page, "success-en");
        // A reload shows the same page, not "this link is no longer valid": the spent code and
        // state are no longer in the address.
        expect(page.url()).not.toContain("code=");
        const reloaded = await page.reload();
        expect(reloaded?.status()).toBe(200);
        expect(await visibleText(page, "h1")).toContain("Google Calendar connected");
        expect(await visibleText(page, "main")).toContain("sam.lee@example.com");
      });
      expect(await calendarStatus("browser-allow")).toMatchObject({
        connected: true,
        customer_id: "browser-allow",
        calendar_email: "sam.lee@example.com",
      });
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "Deny: a clear not-connected page, and the customer stays not connected",
    async () => {
      const url = await authorizationUrl("browser-deny");
      await inBrowser("en-US", DESKTOP, async (page) => {
        const callback = await answerConsent(page, url, {
          email: "ana.garcia@example.com",
          decision: "deny",
          language: "en",
          shot: "consent-before-deny",
        });
        expect(callback.status()).toBe(403);
        expectLockedDown(await callback.allHeaders());
        expect(await accessibilityProblems(page)).toEqual([]);
        expect(await page.locator("main").getAttribute("data-outcome")).toBe("denied");
        expect(await visibleText(page, "h1")).toContain("Google Calendar not connected");
        const text = await visibleText(page, "main");
        expect(text).toContain("nothing was connected");
        expect(text).toContain("ask the assistant for a new link");
        expect(text).not.toContain("@example.com");
        await screenshot(page, "denied-en");
      });
      expect(await calendarStatus("browser-deny")).toMatchObject({
        connected: false,
        customer_id: "browser-deny",
      });
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "Accept-Language es: the consent and success pages speak Spanish",
    async () => {
      const url = await authorizationUrl("browser-es");
      // A phone: customers mostly open the link from a chat app.
      await inBrowser("es-ES", PHONE, async (page) => {
        const callback = await answerConsent(page, url, {
          email: "ana.garcia@example.com",
          decision: "allow",
          language: "es",
          shot: "consent-es",
        });
        expect(callback.status()).toBe(200);
        expect(await callback.request().headerValue("accept-language")).toStartWith("es");
        expectLockedDown(await callback.allHeaders());
        expect(await accessibilityProblems(page)).toEqual([]);
        expect(await page.locator("html").getAttribute("lang")).toBe("es");
        expect(await visibleText(page, "h1")).toContain("Google Calendar conectado");
        const text = await visibleText(page, "main");
        expect(text).toContain("ana.garcia@example.com");
        expect(text).toContain("volver al chat");
        await screenshot(page, "success-es");
      });
      expect(await calendarStatus("browser-es")).toMatchObject({
        connected: true,
        calendar_email: "ana.garcia@example.com",
      });
    },
    TEST_TIMEOUT_MS,
  );
});
