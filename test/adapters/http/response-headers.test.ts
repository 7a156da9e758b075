import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { requestLog } from "../../../src/adapters/http/request-log.ts";
import { setResponseHeaders } from "../../../src/adapters/http/response-headers.ts";
import { securityHeaders } from "../../../src/adapters/http/security-headers.ts";
import { MemoryLogger } from "../../../src/adapters/logging/logger.ts";

function app(): Hono {
  const hono = new Hono();
  hono.use(requestLog(new MemoryLogger()), securityHeaders());
  hono.get("/json", (c) => c.json({ ok: true }));
  hono.get("/raw", () => new Response("raw", { headers: { "content-type": "text/plain" } }));
  // Response.redirect's headers are immutable: the copy fallback must still add ours.
  hono.get("/immutable", () => Response.redirect("https://example.com/next", 302));
  return hono;
}

describe("headers added after the handler answered", () => {
  for (const route of ["/json", "/raw", "/immutable"]) {
    test(`security headers and the request id reach the answer of ${route}`, async () => {
      const response = await app().request(route, { headers: { "x-request-id": "req-42" } });
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(response.headers.get("x-request-id")).toBe("req-42");
    });
  }

  test("the handler's own headers, status and body are kept", async () => {
    const raw = await app().request("/raw");
    expect(raw.headers.get("content-type")).toBe("text/plain");
    expect(await raw.text()).toBe("raw");
    const moved = await app().request("/immutable");
    expect(moved.status).toBe(302);
    expect(moved.headers.get("location")).toBe("https://example.com/next");
  });

  test("set in place when the headers are mutable: the response is not copied", async () => {
    const hono = new Hono();
    let before: Response | null = null;
    hono.use(async (c, next) => {
      await next();
      before = c.res;
      setResponseHeaders(c, [["x-one", "1"]]);
      expect(c.res).toBe(before);
    });
    hono.get("/", (c) => c.text("hi"));
    const response = await hono.request("/");
    expect(response.headers.get("x-one")).toBe("1");
    expect(before).not.toBeNull();
  });
});
