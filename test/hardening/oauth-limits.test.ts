import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as path from "node:path";
import { MAX_PENDING_PER_CUSTOMER } from "../../src/domain/ports/pending-authorizations.ts";
import { type Stack, startStack } from "../e2e/e2e-fixtures.ts";

/** /oauth/* under a flood: a budget per API key and per caller address, and a bounded store. */

describe("OAuth endpoints under a flood", () => {
  let unlimited: Stack;
  let limited: Stack;
  const PER_MINUTE = 5;

  beforeAll(async () => {
    unlimited = await startStack("sqlite", { CALENDAR_SERVER_RATE_LIMIT_OAUTH: "0" });
    limited = await startStack("sqlite", { CALENDAR_SERVER_RATE_LIMIT_OAUTH: String(PER_MINUTE) });
  });
  afterAll(async () => {
    await unlimited.stop();
    await limited.stop();
  });

  test(`4,000 authorize calls for one customer leave at most ${MAX_PENDING_PER_CUSTOMER} pending rows; the newest link works`, async () => {
    for (let batch = 0; batch < 80; batch += 1) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, () =>
          unlimited.call("/oauth/authorize", {
            method: "POST",
            body: JSON.stringify({ customer_id: "flooded" }),
          }),
        ),
      );
      for (const answer of answers) expect(answer.status).toBe(200);
    }
    const newest = await unlimited.call("/oauth/authorize", {
      method: "POST",
      body: JSON.stringify({ customer_id: "flooded" }),
    });
    const last = ((await newest.json()) as { authorization_url: string }).authorization_url;
    const db = new Database(path.join(unlimited.dir, "tokens.db"), { readonly: true });
    const row = db.query<{ n: number }, []>("SELECT count(*) AS n FROM pending_authorizations").get();
    db.close();
    expect(row?.n).toBeLessThanOrEqual(MAX_PENDING_PER_CUSTOMER);
    const atGoogle = await fetch(last, { redirect: "manual" });
    const callback = await fetch(atGoogle.headers.get("location") ?? "", {
      headers: { accept: "application/json" },
    });
    expect(callback.status).toBe(200);
  }, 60_000);

  test("past the per-minute budget, /oauth/* answers 429 rate_limited with Retry-After", async () => {
    const statuses: number[] = [];
    for (let index = 0; index < PER_MINUTE + 2; index += 1) {
      statuses.push((await limited.call("/oauth/status/someone")).status);
    }
    expect(statuses.slice(0, PER_MINUTE)).toEqual(Array(PER_MINUTE).fill(200));
    const refused = await limited.call("/oauth/authorize", {
      method: "POST",
      body: JSON.stringify({ customer_id: "someone" }),
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: { code: "rate_limited" } });
  });

  test("the public callback has its own budget per caller address", async () => {
    const statuses: number[] = [];
    for (let index = 0; index < PER_MINUTE + 1; index += 1) {
      const answer = await fetch(`${limited.server.url}/oauth/callback?state=x&code=y`, {
        headers: { accept: "application/json" },
      });
      statuses.push(answer.status);
    }
    expect(statuses.slice(0, PER_MINUTE)).toEqual(Array(PER_MINUTE).fill(400));
    expect(statuses.at(-1)).toBe(429);
  });
});
