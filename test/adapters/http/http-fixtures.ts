import { createHttpApp } from "../../../src/adapters/http/http-app.ts";
import { MemoryLogger } from "../../../src/adapters/logging/logger.ts";
import { ConnectCalendar } from "../../../src/domain/services/connect-calendar.ts";
import { DisconnectCalendar } from "../../../src/domain/services/disconnect-calendar.ts";
import { GetConnectionStatus } from "../../../src/domain/services/get-connection-status.ts";
import { fakeWorld } from "../../domain/connection-fixtures.ts";

export const API_KEY = "test-api-key-0123456789abcdef";

/** The real Hono app over in-memory fakes. */
export function httpWorld() {
  const world = fakeWorld();
  const logger = new MemoryLogger();
  const app = createHttpApp({
    connect: new ConnectCalendar(world),
    disconnect: new DisconnectCalendar(world),
    status: new GetConnectionStatus(world),
    logger,
    apiKeys: [API_KEY, "second-rotation-key-abcdef"],
    maxBodyBytes: 4096,
    health: async () => ({ ok: true, checks: { storage: "ok" } }),
  });
  const call = (path: string, init: RequestInit = {}) =>
    app.request(path, {
      ...init,
      headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json", ...init.headers },
    });
  return { ...world, app, logger, call };
}

export function verifierOf(url: string): string {
  return new URL(url).searchParams.get("verifier_for_tests") ?? "";
}
