import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { createHttpApp } from "../../../src/adapters/http/http-app.ts";
import { MemoryLogger } from "../../../src/adapters/logging/logger.ts";
import type { AppEnv } from "../../../src/adapters/shared/app-env.ts";
import { ConnectCalendar } from "../../../src/domain/services/connect-calendar.ts";
import { DisconnectCalendar } from "../../../src/domain/services/disconnect-calendar.ts";
import { GetConnectionStatus } from "../../../src/domain/services/get-connection-status.ts";
import { fakeWorld } from "../../domain/connection-fixtures.ts";

const KEY = "protected-apps-key-0123456789abcdef";

/** An app mounted under protectedApps, counting the requests that reach it. */
function world() {
  const fakes = fakeWorld();
  const reached: string[] = [];
  const sub = new Hono<AppEnv>();
  sub.all("*", (c) => {
    reached.push(`${c.req.path} as ${c.get("apiKeyId") ?? "nobody"}`);
    return c.json({ ok: true });
  });
  const app = createHttpApp({
    connect: new ConnectCalendar(fakes),
    disconnect: new DisconnectCalendar(fakes),
    status: new GetConnectionStatus(fakes),
    logger: new MemoryLogger(),
    apiKeys: [KEY],
    maxBodyBytes: 4096,
    health: async () => ({ ok: true, checks: { storage: "ok" } }),
    protectedApps: { "/guarded": sub },
  });
  return { app, reached };
}

describe("apps mounted behind the API key", () => {
  test("the mount path itself and every path below it need the key", async () => {
    const { app, reached } = world();
    for (const path of ["/guarded", "/guarded/", "/guarded/deeper/still"]) {
      const refused = await app.request(path, { method: "POST" });
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
      const wrong = await app.request(path, { method: "POST", headers: { authorization: "Bearer nope" } });
      expect(wrong.status).toBe(401);
    }
    expect(reached).toEqual([]);
  });

  test("with the key each request reaches the app once, knowing which key it came with", async () => {
    const { app, reached } = world();
    const answer = await app.request("/guarded", {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(answer.status).toBe(200);
    expect(reached).toHaveLength(1);
    expect(reached[0]).toMatch(/^\/guarded as [0-9a-f]+/);
  });

  test("a path that only starts like the mount is not the mount's", async () => {
    const { app, reached } = world();
    const answer = await app.request("/guardedness", { headers: { authorization: `Bearer ${KEY}` } });
    expect(answer.status).toBe(404);
    expect(reached).toEqual([]);
  });
});
