import { describe, expect, test } from "bun:test";
import { createMcpApp } from "../../../src/adapters/mcp/mcp-app.ts";
import { originPolicy } from "../../../src/adapters/mcp/origin-guard.ts";
import { mcpWorld } from "./mcp-fixtures.ts";

describe("DNS-rebinding guard", () => {
  const local = originPolicy("http://localhost:3000", []);

  test("a loopback server accepts every loopback Host and Origin, any port, unconfigured", () => {
    for (const name of ["localhost", "127.0.0.1", "[::1]"]) {
      expect(local.refusal(`${name}:61234`, `http://${name}:61234`)).toBeNull();
      expect(local.refusal(name, `https://${name}`)).toBeNull();
    }
    expect(local.refusal("localhost:3000", undefined)).toBeNull();
  });

  test("a loopback server refuses a foreign Host, and a foreign Origin", () => {
    expect(local.refusal("evil.example.com", "http://evil.example.com")).toContain("Host");
    expect(local.refusal("evil.example.com", undefined)).toContain("Host");
    expect(local.refusal("localhost:3000", "http://evil.example.com")).toContain("Origin");
    expect(local.refusal("localhost.evil.example:3000", undefined)).toContain("Host");
  });

  test("configured origins still pass; a public server refuses loopback origins it was not given", () => {
    const configured = originPolicy("http://127.0.0.1:3000", ["https://app.example.com"]);
    expect(configured.refusal("127.0.0.1:3000", "https://app.example.com")).toBeNull();
    const hosted = originPolicy("https://calendar.example.com", ["https://app.example.com"]);
    expect(hosted.refusal("calendar.example.com", "https://app.example.com")).toBeNull();
    expect(hosted.refusal("calendar.example.com", "http://localhost:5173")).toContain("Origin");
    expect(hosted.refusal("calendar.example.com", "https://evil.example")).toContain("Origin");
  });

  test("the /mcp app answers 403 for a rebinding request and 200 for a loopback one", async () => {
    const world = await mcpWorld();
    const app = createMcpApp({ ...world.deps, allowedOrigins: [], baseUrl: "http://127.0.0.1:8080" });
    const ping = (host: string) =>
      app.request("http://127.0.0.1:8080/", {
        method: "POST",
        headers: { host, origin: `http://${host}`, "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
      });
    const refused = await ping("evil.example.com");
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: number } }).error.code).toBe(-32000);
    expect((await ping("localhost:9999")).status).toBe(200);
  });
});
