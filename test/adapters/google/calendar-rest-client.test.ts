import { afterAll, describe, expect, test } from "bun:test";
import { CalendarRestClient, pathSegment } from "../../../src/adapters/google/calendar-rest-client.ts";
import { CalendarRequestError } from "../../../src/adapters/google/google-calendar-errors.ts";

interface Seen {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

/** A stand-in for Google that answers from a script and records what it was sent. */
const seen: Seen[] = [];
let script: Array<() => Response | Promise<Response>> = [];
const server = Bun.serve({
  port: 0,
  async fetch(request) {
    seen.push({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: await request.text(),
    });
    const next = script.shift();
    return next === undefined ? Response.json({ ok: true }) : next();
  },
});
afterAll(() => server.stop(true));

function client(timeoutMs = 2000): CalendarRestClient {
  seen.length = 0;
  return new CalendarRestClient({
    rootUrl: `http://127.0.0.1:${server.port}`,
    timeoutMs,
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 50 },
  });
}

async function failure(promise: Promise<unknown>): Promise<CalendarRequestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CalendarRequestError) return error;
    throw error;
  }
  throw new Error("expected the request to fail");
}

describe("CalendarRestClient", () => {
  test("ids are one path segment each, query values are encoded, undefined ones left out", async () => {
    const rest = client();
    await rest.send("tok", {
      method: "GET",
      path: `calendars/${pathSegment("en.usa#holiday@group.v.calendar.google.com")}/events/${pathSegment("a/b?c'd")}`,
      query: { q: "tea & cake", maxResults: 5, singleEvents: true, pageToken: undefined, text: "x\ud83d" },
      retryable: true,
    });
    const url = new URL(seen[0]?.url ?? "");
    expect(url.pathname).toBe(
      "/calendar/v3/calendars/en.usa%23holiday%40group.v.calendar.google.com/events/a%2Fb%3Fc%27d",
    );
    expect(url.search).toBe("?q=tea%20%26%20cake&maxResults=5&singleEvents=true&text=x%EF%BF%BD");
  });

  test("the bearer token, gzip, extra headers, and a JSON body with its content type", async () => {
    const rest = client();
    const answer = await rest.send("secret-token", {
      method: "PATCH",
      path: "calendars/primary/events/e1",
      body: { summary: "Tea" },
      headers: { "If-Match": '"etag-1"' },
      retryable: false,
    });
    expect(answer).toEqual({ ok: true });
    const request = seen[0];
    expect(request?.method).toBe("PATCH");
    expect(request?.headers.get("authorization")).toBe("Bearer secret-token");
    expect(request?.headers.get("accept-encoding")).toContain("gzip");
    expect(request?.headers.get("if-match")).toBe('"etag-1"');
    expect(request?.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual({ summary: "Tea" });
  });

  test("an empty answer is undefined; one that is not JSON comes back as its text", async () => {
    const rest = client();
    script = [() => new Response(null, { status: 204 }), () => new Response("<html>proxy</html>")];
    expect(await rest.send("t", { method: "DELETE", path: "x", retryable: true })).toBeUndefined();
    expect(await rest.send("t", { method: "GET", path: "x", retryable: true })).toBe("<html>proxy</html>");
  });

  test("an error status carries Google's answer; retries count on the error", async () => {
    const rest = client();
    const body = { error: { code: 404, message: "Not Found", errors: [{ reason: "notFound" }] } };
    script = [() => Response.json(body, { status: 404 })];
    const notFound = await failure(rest.send("t", { method: "GET", path: "x", retryable: true }));
    expect(notFound.answer?.status).toBe(404);
    expect(notFound.answer?.data).toEqual(body);
    expect(notFound.retries).toBe(0);
    expect(seen).toHaveLength(1);

    script = [() => new Response("busy", { status: 503 }), () => new Response("busy", { status: 503 })];
    const recovered = await rest.send("t", { method: "GET", path: "x", retryable: true });
    expect(recovered).toEqual({ ok: true });
    expect(seen).toHaveLength(4);

    script = [() => Response.json({}, { status: 500 }), () => Response.json({}, { status: 409 })];
    const conflictOnRetry = await failure(rest.send("t", { method: "POST", path: "x", retryable: true }));
    expect(conflictOnRetry.answer?.status).toBe(409);
    expect(conflictOnRetry.retries).toBe(1);
  });

  test("a request not marked retryable is sent once, whatever the failure", async () => {
    const rest = client();
    script = [() => new Response("busy", { status: 503 })];
    const failed = await failure(rest.send("t", { method: "POST", path: "x", body: {}, retryable: false }));
    expect(failed.answer?.status).toBe(503);
    expect(seen).toHaveLength(1);
  });

  test("Retry-After is honoured up to the policy's longest wait, and a longer one is not waited out", async () => {
    const rest = client();
    const limited = (after: string) => () =>
      Response.json(
        { error: { code: 429, message: "slow down" } },
        { status: 429, headers: { "Retry-After": after } },
      );
    script = [limited("0")];
    expect(await rest.send("t", { method: "GET", path: "x", retryable: true })).toEqual({ ok: true });
    expect(seen).toHaveLength(2);
    script = [limited("3600")];
    const started = performance.now();
    const refused = await failure(rest.send("t", { method: "GET", path: "x", retryable: true }));
    expect(refused.answer?.status).toBe(429);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test("no answer within the deadline is timedOut and not tried again", async () => {
    const rest = client(100);
    script = [
      async () => {
        await Bun.sleep(400);
        return Response.json({ late: true });
      },
    ];
    const late = await failure(rest.send("t", { method: "GET", path: "x", retryable: true }));
    expect(late.timedOut).toBe(true);
    expect(late.answer).toBeUndefined();
    expect(seen).toHaveLength(1);
  });

  test("a body that stops coming after the headers is cut at the deadline too", async () => {
    const rest = client(100);
    const stalled = () =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"items":['));
          },
        }),
        { headers: { "content-type": "application/json" } },
      );
    script = [stalled];
    const late = await failure(rest.send("t", { method: "GET", path: "x", retryable: false }));
    expect(late.timedOut).toBe(true);
    expect(seen).toHaveLength(1);
  });

  test("a refused connection is no answer, retried, then reported", async () => {
    const closed = Bun.serve({ port: 0, fetch: () => new Response("") });
    const port = closed.port;
    closed.stop(true);
    const rest = new CalendarRestClient({
      rootUrl: `http://127.0.0.1:${port}/`,
      timeoutMs: 2000,
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 10 },
    });
    const refused = await failure(rest.send("t", { method: "GET", path: "x", retryable: true }));
    expect(refused.answer).toBeUndefined();
    expect(refused.timedOut).toBe(false);
    expect(refused.retries).toBe(1);
  });
});
