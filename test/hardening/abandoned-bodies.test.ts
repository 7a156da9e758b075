import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as net from "node:net";
import { E2E_API_KEY, type Stack, startStack } from "../e2e/e2e-fixtures.ts";

/**
 * A client that announces a body and hangs up before sending it (a slow upload abandoned, a
 * crashed caller) is not our failure: no 500 internal_error, nothing logged at error level.
 */

describe("request bodies abandoned by the client", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack("sqlite");
  });
  afterAll(async () => {
    await stack.stop();
  });

  function abandon(path: string): Promise<void> {
    const port = Number(new URL(stack.server.url).port);
    return new Promise((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.write(
          `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${E2E_API_KEY}\r\n` +
            "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n" +
            'Content-Length: 5000\r\n\r\n{"customer_id": "slow',
        );
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 150);
      });
    });
  }

  for (const path of ["/oauth/authorize", "/oauth/disconnect", "/mcp"]) {
    test(`${path}: logged as a client that went away (499, info), not as our 500`, async () => {
      const before = stack.logger.lines.length;
      await abandon(path);
      let lines: Record<string, unknown>[] = [];
      for (let waited = 0; waited < 2000; waited += 20) {
        lines = stack.logger.lines.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>);
        if (lines.some((line) => line.event === "http_request")) break;
        await Bun.sleep(20);
      }
      expect(lines.find((line) => line.event === "http_request")).toMatchObject({
        status: 499,
        level: "info",
      });
      expect(lines.filter((line) => line.level === "error")).toEqual([]);
    });
  }
});
