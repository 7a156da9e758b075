import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { isCustomerId } from "../../src/domain/customer-id.ts";
import { E2E_API_KEY, type Stack } from "../e2e/e2e-fixtures.ts";
import {
  type Check,
  checkHttp,
  checkMcp,
  type FuzzCase,
  fuzzStack,
  runFuzz,
  statusSummary,
} from "./fuzz-harness.ts";
import {
  damageText,
  deeplyNested,
  headerSafe,
  hugeString,
  mutate,
  oddHeaderValue,
  randomString,
  trickyCustomerId,
} from "./fuzz-values.ts";
import { fuzzSeed, SeededRandom } from "./seeded-random.ts";

const INPUTS = 10_000;
const VALID_IDS = ["fuzz-user", "user-123", "someone-else", "A.b_c:d@e-f", "x"];
const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"];

/** Authorization, Content-Type and Accept as well-behaved and badly-behaved clients send them. */
function headersFor(random: SeededRandom): Headers {
  const headers = new Headers();
  const authorization = random.chance(0.85)
    ? `Bearer ${E2E_API_KEY}`
    : random.pick([
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNzd29yZA==",
        `bearer ${E2E_API_KEY}`,
        `Bearer ${E2E_API_KEY} extra`,
        `Bearer   ${E2E_API_KEY}`,
        `Bearer ${E2E_API_KEY}x`,
        `Bearer ${E2E_API_KEY.slice(0, -1)}`,
        `Bearer ${"k".repeat(20_000)}`,
        `Bearer ${E2E_API_KEY}, Bearer ${E2E_API_KEY}`,
        "Bearer \u00ff\u00fe\u00e9",
        `Token ${E2E_API_KEY}`,
      ]);
  if (authorization !== "") headers.set("authorization", authorization);
  if (random.chance(0.7)) headers.set("content-type", "application/json");
  else if (random.chance(0.3)) {
    // Two Content-Type headers: they arrive joined with a comma.
    headers.append("content-type", "application/json");
    headers.append("content-type", random.pick(["application/json", "text/plain"]));
  } else {
    const type = random.pick([
      "text/plain",
      "application/json; charset=utf-16",
      "application/JSON",
      "multipart/form-data; boundary=x",
      "application/x-www-form-urlencoded",
      "application/json;;;",
      "",
    ]);
    if (type !== "") headers.set("content-type", type);
  }
  if (random.chance(0.5)) {
    headers.set(
      "accept",
      random.pick([
        "application/json",
        "*/*",
        "text/html",
        "text/html,application/xhtml+xml",
        "application/json;q=0",
        "garbage////",
        "*/*;q=0",
        "image/png",
      ]),
    );
  }
  if (random.chance(0.1)) {
    const name = random.pick([
      "x-request-id",
      "accept-language",
      "x-customer-id",
      "origin",
      "x-forwarded-for",
      "cookie",
    ]);
    headers.set(name, headerSafe(random.chance(0.5) ? oddHeaderValue(random) : randomString(random, 20)));
  }
  return headers;
}

/** A path segment or query value: usually percent-encoded, sometimes raw (the router sees it as sent). */
function inUrl(random: SeededRandom, value: string): string {
  // A lone surrogate cannot be percent-encoded: it travels as U+FFFD, as a browser would send it.
  if (random.chance(0.6)) return encodeURIComponent(value.toWellFormed());
  return value.replaceAll("#", "%23").replaceAll("?", "%3F");
}

function jsonBody(random: SeededRandom, template: unknown): string | Uint8Array {
  const roll = random.next();
  if (roll < 0.2) return JSON.stringify(template);
  if (roll < 0.75) return JSON.stringify(mutate(random, template)) ?? "null";
  if (roll < 0.85) return damageText(random, JSON.stringify(template));
  if (roll < 0.9) return deeplyNested(random);
  if (roll < 0.95) return JSON.stringify({ customer_id: "fuzz-user", padding: hugeString(random).repeat(3) });
  return JSON.stringify({ customer_id: "fuzz-user", nested: JSON.parse(deeplyNested(random, 70)) });
}

function httpCase(random: SeededRandom, states: string[]): FuzzCase {
  const headers = headersFor(random);
  const id = trickyCustomerId(random, VALID_IDS);
  const method = random.chance(0.9) ? undefined : random.pick(METHODS);
  const kind = random.int(0, 9);
  const make = (defaultMethod: string, path: string, body?: string | Uint8Array): FuzzCase => {
    const chosen = method ?? defaultMethod;
    const sendsBody = body !== undefined && chosen !== "GET" && chosen !== "HEAD";
    return {
      label: `#${kind} ${chosen} ${path.slice(0, 80)}`,
      method: chosen,
      path,
      headers,
      ...(sendsBody ? { body } : {}),
    };
  };
  switch (kind) {
    case 0:
    case 1: {
      const template = random.chance(0.5)
        ? { customer_id: id }
        : { customer_id: id, login_hint: "ana@example.com" };
      return make("POST", "/oauth/authorize", jsonBody(random, template));
    }
    case 2:
      return make("GET", `/oauth/authorize?customer_id=${inUrl(random, id)}`);
    case 3:
    case 4:
      return make("GET", `/oauth/status/${inUrl(random, id)}`);
    case 5:
      return make("POST", "/oauth/disconnect", jsonBody(random, { customer_id: id }));
    case 6:
    case 7: {
      const params: string[] = [];
      const state = random.chance(0.3) ? (states.pop() ?? "") : trickyCustomerId(random, ["", "state"]);
      if (random.chance(0.85)) params.push(`state=${inUrl(random, state)}`);
      if (random.chance(0.7))
        params.push(`code=${inUrl(random, random.chance(0.5) ? randomString(random, 30) : id)}`);
      if (random.chance(0.3)) {
        const error = random.pick([
          "access_denied",
          "server_error",
          "",
          "x".repeat(5000),
          randomString(random, 10),
        ]);
        params.push(`error=${inUrl(random, error)}`);
      }
      if (random.chance(0.1)) params.push(params[0] ?? "code=");
      return make("GET", `/oauth/callback?${params.join("&")}`);
    }
    case 8:
      return make(
        "GET",
        random.pick([
          "/healthz",
          "/openapi.json",
          "/oauth/",
          "/oauth/status/",
          "/oauth/status",
          `/oauth/status/${inUrl(random, id)}/extra`,
          "/mcp",
          `/${inUrl(random, id)}`,
          "/oauth/callback/../status/fuzz-user",
          "//oauth//status//fuzz-user",
          "/OAUTH/STATUS/fuzz-user",
          `/oauth/status/${"%".repeat(random.int(1, 5))}`,
        ]),
      );
    default:
      return make(
        random.pick(["POST", "PUT"]),
        random.pick(["/oauth/authorize", "/oauth/disconnect"]),
        jsonBody(random, { customer_id: id }),
      );
  }
}

/** Besides the shape: an id that a 2xx answer names must be a valid one (no trick reached the store). */
const checkIds: Check = (fuzz, response, body) => {
  if (fuzz.path.startsWith("/mcp")) return checkMcp(fuzz, response, body);
  const verdict = checkHttp(fuzz, response, body);
  if (verdict !== null || response.status >= 300 || fuzz.method === "HEAD") return verdict;
  const named = (JSON.parse(body) as { customer_id?: unknown }).customer_id;
  return named === undefined || isCustomerId(named) ? null : `answered 2xx for customer_id ${String(named)}`;
};

describe("fuzzing the HTTP endpoints", () => {
  let stack: Stack;
  const states: string[] = [];

  beforeAll(async () => {
    stack = await fuzzStack();
    // Real, unexpired states, so some callbacks get as far as a code exchange with a junk code.
    for (let i = 0; i < 40; i += 1) {
      const started = await stack.call("/oauth/authorize", {
        method: "POST",
        body: JSON.stringify({ customer_id: `state-owner-${i}` }),
      });
      states.push(((await started.json()) as { state: string }).state);
    }
  });
  afterAll(async () => {
    await stack.stop();
  });

  test(`${INPUTS} random and mutated requests: no 5xx, every error a JSON error.code`, async () => {
    const seed = fuzzSeed();
    const random = new SeededRandom(seed);
    const app = stack.server.composed.app;
    const report = await runFuzz({
      count: INPUTS,
      concurrency: 8,
      next: () => httpCase(random, states),
      send: (fuzz) =>
        app.request(fuzz.path, {
          method: fuzz.method,
          headers: fuzz.headers,
          ...(fuzz.body === undefined ? {} : { body: fuzz.body }),
        }),
      check: checkIds,
    });
    console.log(
      `http fuzz: ${report.inputs} inputs, ${report.serverErrors} 5xx, ${report.failureCount} malformed answers, ` +
        `${report.unhandled} unhandled rejections (seed ${seed}; replay with FUZZ_SEED=${seed}); ${statusSummary(report)}`,
    );
    expect(report.failures).toEqual([]);
    expect(report.serverErrors).toBe(0);
    expect(report.unhandled).toBe(0);
    expect(report.inputs).toBeGreaterThanOrEqual(INPUTS);
    // The store still answers for the connected customer: nothing the fuzzer sent broke it.
    const status = await stack.call("/oauth/status/fuzz-user");
    expect(status.status).toBe(200);
  }, 60_000);
});
