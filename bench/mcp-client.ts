/**
 * The load generator's MCP client: a bare JSON-RPC `tools/call` over fetch, as the product's
 * backends send it. Bun's fetch keeps connections alive and pools them per origin, so a run
 * measures requests, not TCP handshakes. No SDK client here: it would add its own work (and an
 * initialize round trip) to every measured call.
 */

export interface ToolResult {
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
}

export interface ToolAnswer {
  /** HTTP 200 with a result that is not an error. */
  ok: boolean;
  status: number;
  result?: ToolResult;
  error?: { code: number; message: string };
}

export class McpTarget {
  readonly #endpoint: string;
  readonly #headers: Record<string, string>;
  #nextId = 1;

  constructor(
    readonly url: string,
    apiKey: string,
  ) {
    this.#endpoint = `${url}/mcp`;
    this.#headers = {
      authorization: `Bearer ${apiKey}`,
      "content-type": "application/json",
      // Both types: what SDK clients send, and what the SDK's own transport (the naive server) demands.
      accept: "application/json, text/event-stream",
    };
  }

  async call(name: string, args: Record<string, unknown>): Promise<ToolAnswer> {
    const response = await fetch(this.#endpoint, {
      method: "POST",
      headers: this.#headers,
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: this.#nextId++,
        method: "tools/call",
        params: { name, arguments: args },
      }),
    });
    const text = await response.text();
    let body: { result?: ToolResult; error?: { code: number; message: string } } = {};
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: counted as a failed call below.
    }
    const ok = response.status === 200 && body.result !== undefined && body.result.isError !== true;
    return { ok, status: response.status, ...body };
  }

  /** A call that must succeed (setup steps); throws with the server's words otherwise. */
  async must(name: string, args: Record<string, unknown>): Promise<ToolResult> {
    const answer = await this.call(name, args);
    if (!answer.ok || answer.result === undefined) {
      throw new Error(
        `${name} failed: HTTP ${answer.status} ${JSON.stringify(answer.result ?? answer.error)}`,
      );
    }
    return answer.result;
  }
}
