import type { GoogleCall } from "../../../src/adapters/google/google-call-observer.ts";
import { GoogleMcpCalendarGateway } from "../../../src/adapters/google-mcp/google-mcp-calendar-gateway.ts";

/**
 * A small JSON-RPC server standing in for Google's Calendar MCP server: each test scripts the
 * answers per tool, in either of the encodings the reference leaves open, and reads back what
 * the gateway sent.
 */

export interface StubCall {
  tool: string;
  args: Record<string, unknown>;
  params: Record<string, unknown>;
  authorization: string | null;
  method: string;
  path: string;
  rpcMethod: unknown;
}

export interface StubReply {
  status?: number;
  headers?: Record<string, string>;
  /** A JSON body; a string is sent as it is. */
  body?: unknown;
  /** Wrap the JSON-RPC answer in a text/event-stream. */
  sse?: boolean;
  delayMs?: number;
}

type Responder = (call: StubCall, id: unknown) => StubReply;

export const MCP_PATH = "/mcp/v1";
export const APPROVAL_KEY = new Uint8Array(32).fill(7);

/** A tool result with data, as structuredContent or as JSON text. */
export function data(value: unknown, encoding: "structured" | "text" = "structured"): Responder {
  return (_call, id) => ({
    body: {
      jsonrpc: "2.0",
      id,
      result:
        encoding === "structured"
          ? { content: [{ type: "text", text: JSON.stringify(value) }], structuredContent: value }
          : { content: [{ type: "text", text: JSON.stringify(value) }] },
    },
  });
}

/** A tool failure, as a JSON-RPC error or as an isError result. */
export function failure(
  message: string,
  encoding: "rpc" | "isError",
  extra: { code?: number; status?: string } = {},
): Responder {
  return (_call, id) => ({
    body:
      encoding === "rpc"
        ? {
            jsonrpc: "2.0",
            id,
            error: {
              code: extra.code ?? -32603,
              message,
              ...(extra.status === undefined ? {} : { data: { status: extra.status } }),
            },
          }
        : { jsonrpc: "2.0", id, result: { isError: true, content: [{ type: "text", text: message }] } },
  });
}

export function http(status: number, headers: Record<string, string> = {}, body: unknown = ""): Responder {
  return () => ({ status, headers, body });
}

/** Google's MRTR approval request (MCP 2026-07-28). */
export function inputRequired(message: string, requestState = "state-abc"): Responder {
  return (_call, id) => ({
    body: {
      jsonrpc: "2.0",
      id,
      result: {
        resultType: "input_required",
        inputRequests: {
          approval: {
            method: "elicitation/create",
            params: {
              mode: "form",
              message,
              requestedSchema: { type: "object", properties: { allow: { type: "boolean" } } },
            },
          },
        },
        requestState,
      },
    },
  });
}

export class McpStub {
  readonly calls: StubCall[] = [];
  readonly googleCalls: GoogleCall[] = [];
  readonly #queues = new Map<string, Responder[]>();
  readonly #defaults = new Map<string, Responder>();
  readonly #server: ReturnType<typeof Bun.serve>;

  constructor() {
    this.#server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (request) => this.#answer(request) });
  }

  get url(): string {
    return `http://127.0.0.1:${this.#server.port}${MCP_PATH}`;
  }

  /** Answer the next call of `tool` with `reply` (queued, first in first out). */
  once(tool: string, reply: Responder): this {
    const queue = this.#queues.get(tool) ?? [];
    queue.push(reply);
    this.#queues.set(tool, queue);
    return this;
  }

  /** Answer every call of `tool` not answered by a queued reply. */
  always(tool: string, reply: Responder): this {
    this.#defaults.set(tool, reply);
    return this;
  }

  reset(): void {
    this.calls.length = 0;
    this.googleCalls.length = 0;
    this.#queues.clear();
    this.#defaults.clear();
  }

  callsOf(tool: string): StubCall[] {
    return this.calls.filter((call) => call.tool === tool);
  }

  gateway(options: { timeoutMs?: number; now?: () => number } = {}): GoogleMcpCalendarGateway {
    return new GoogleMcpCalendarGateway({
      url: this.url,
      approvalKey: APPROVAL_KEY,
      timeoutMs: options.timeoutMs ?? 2000,
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 10 },
      observe: (call) => this.googleCalls.push(call),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
  }

  stop(): void {
    this.#server.stop(true);
  }

  async #answer(request: Request): Promise<Response> {
    const message = (await request.json().catch(() => ({}))) as Record<string, unknown>;
    const params = (message.params ?? {}) as Record<string, unknown>;
    const call: StubCall = {
      tool: String(params.name ?? ""),
      args: (params.arguments ?? {}) as Record<string, unknown>,
      params,
      authorization: request.headers.get("authorization"),
      method: request.method,
      path: new URL(request.url).pathname,
      rpcMethod: message.method,
    };
    this.calls.push(call);
    const responder = this.#queues.get(call.tool)?.shift() ?? this.#defaults.get(call.tool);
    const reply =
      responder?.(call, message.id) ??
      failure(`unknown tool ${call.tool}`, "rpc", { code: -32602 })(call, message.id);
    if (reply.delayMs !== undefined) await Bun.sleep(reply.delayMs);
    const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
    if (reply.sse === true) {
      return new Response(`event: message\ndata: ${text}\n\n`, {
        status: reply.status ?? 200,
        headers: { "content-type": "text/event-stream", ...reply.headers },
      });
    }
    return new Response(text, {
      status: reply.status ?? 200,
      headers: { "content-type": "application/json", ...reply.headers },
    });
  }
}

/** A Google-shaped event output (reference §3), with overrides. */
export function eventOutput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "evt1",
    status: "confirmed",
    htmlLink: "https://calendar.google.com/event?eid=evt1",
    created: "2026-03-01T09:00:00.000Z",
    updated: "2026-03-01T09:00:00.000Z",
    summary: "Haircut",
    organizer: { email: "ana@example.com", self: true },
    start: { dateTime: "2026-03-10T15:00:00+01:00", timeZone: "Europe/Madrid" },
    end: { dateTime: "2026-03-10T16:00:00+01:00", timeZone: "Europe/Madrid" },
    eventType: "DEFAULT",
    ...overrides,
  };
}

export async function failureOf(
  promise: Promise<unknown>,
): Promise<{ code: string; details: Record<string, unknown>; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; details: Record<string, unknown>; message: string };
  }
  throw new Error("expected the call to fail");
}
