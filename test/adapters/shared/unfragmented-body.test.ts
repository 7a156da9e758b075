import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import {
  jsonTextUnfragmented,
  responseUnfragmented,
  STREAMED_BODY_BYTES,
  unfragmentedBody,
} from "../../../src/adapters/shared/unfragmented-body.ts";

async function bytesOf(body: ReturnType<typeof unfragmentedBody>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(body).arrayBuffer());
}

describe("unfragmentedBody", () => {
  test("a small text stays a string", () => {
    expect(unfragmentedBody('{"ok":true}')).toBe('{"ok":true}');
  });

  test("a text whose UTF-8 stays under the limit is handed over as bytes", async () => {
    // 5,000 two-byte characters: 15,000 UTF-16 units' worth of doubt, 10,000 bytes.
    const text = "é".repeat(5000);
    const body = unfragmentedBody(text);
    expect(body).toBeInstanceOf(Uint8Array);
    expect(new TextDecoder().decode(await bytesOf(body))).toBe(text);
  });

  test("a text at the limit in UTF-8 becomes a stream of the same bytes", async () => {
    const text = "é".repeat(STREAMED_BODY_BYTES / 2);
    const body = unfragmentedBody(text);
    expect(body).toBeInstanceOf(ReadableStream);
    const bytes = await bytesOf(body);
    expect(bytes.byteLength).toBe(STREAMED_BODY_BYTES);
    expect(new TextDecoder().decode(bytes)).toBe(text);
  });
});

describe("jsonTextUnfragmented and responseUnfragmented", () => {
  const app = new Hono();
  app.get("/small", (c) => jsonTextUnfragmented(c, JSON.stringify({ ok: true }), 201));
  app.get("/large", (c) => {
    c.header("Retry-After", "3");
    return jsonTextUnfragmented(c, JSON.stringify({ items: "x".repeat(STREAMED_BODY_BYTES) }), 503);
  });

  test("a small value is c.json's answer: status, type, body", async () => {
    const response = await app.request("/small");
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({ ok: true });
  });

  test("a large value keeps its status and the headers set before it", async () => {
    const response = await app.request("/large");
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("3");
    expect(response.body).toBeInstanceOf(ReadableStream);
    expect(((await response.json()) as { items: string }).items).toHaveLength(STREAMED_BODY_BYTES);
  });

  test("a response is re-packed with its status and headers; one without a body is left as it is", async () => {
    const large = "y".repeat(STREAMED_BODY_BYTES + 1);
    const repacked = await responseUnfragmented(
      new Response(large, { status: 200, headers: { "content-type": "application/json", "x-a": "1" } }),
    );
    expect(repacked.headers.get("x-a")).toBe("1");
    expect(repacked.headers.get("content-type")).toBe("application/json");
    expect(await repacked.text()).toBe(large);
    const accepted = new Response(null, { status: 202 });
    expect(await responseUnfragmented(accepted)).toBe(accepted);
  });
});
